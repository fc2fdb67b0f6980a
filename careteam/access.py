"""The one place that decides who may see and do what.

Care-team membership is the source of truth for patient access: joining a team grants the team
role's object permissions on the patient (django-guardian, direct FK model), leaving revokes them.
Role capabilities are model-level permissions on the role's group (careteam/roles.py).

A patient outside the caller's care teams is "not found" — the same answer as a patient that does
not exist — and a patient on the team whose record the caller's role may not touch is "forbidden".
Views, API, selectors and tasks all ask here; none of them decides on its own.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from patients.models import Patient, PatientUserObjectPermission

from .models import Flag, Notification, User
from .roles import CLINICAL_ROLES

StaffUser = User | AnonymousUser


def role_perms(user: StaffUser) -> frozenset[str]:
    """The model-level permissions of the user's role group (cached on the user object, which
    lives for one request). Superuser status grants nothing extra: an admin is an admin."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_careteam_role_perms", None)
    if cached is None:
        rows = Permission.objects.filter(group__name=user.role).values_list(
            "content_type__app_label", "codename"
        )
        cached = frozenset(f"{app}.{codename}" for app, codename in rows)
        user._careteam_role_perms = cached  # type: ignore[union-attr]
    return cached


def can(user: StaffUser, perm: str) -> bool:
    return perm in role_perms(user)


def require(user: StaffUser, perm: str) -> None:
    if not can(user, perm):
        raise PermissionDenied("Your role may not do this.")


def patient_perms(user: StaffUser, patient_id: int) -> frozenset[str]:
    """Object permission codenames the user holds on one patient through care-team membership."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_careteam_patient_perms", {})
    if patient_id not in cache:
        cache[patient_id] = frozenset(
            PatientUserObjectPermission.objects.filter(
                user=user, content_object_id=patient_id
            ).values_list("permission__codename", flat=True)
        )
    return cache[patient_id]


def on_team(user: StaffUser, patient_id: int) -> bool:
    return "view_patient" in patient_perms(user, patient_id)


@dataclass(frozen=True)
class PatientAction:
    """What a request wants to do with one patient's record.

    object_perm: needed on the patient (care-team role). role_perm: needed from the caller's role
    as well. admin_perm: a role capability that allows this without being on the team.
    """

    name: str
    object_perm: str | None = "view_patient"
    role_perm: str | None = None
    admin_perm: str | None = None


VIEW_DEMOGRAPHICS = PatientAction("view demographics", admin_perm="patients.view_all_demographics")
CHANGE_DEMOGRAPHICS = PatientAction(
    "change demographics", object_perm="change_patient", admin_perm="patients.change_patient"
)
VIEW_CARE_TEAM = PatientAction("view care team", admin_perm="patients.view_all_demographics")
MANAGE_CARE_TEAM = PatientAction(
    "manage care team",
    object_perm=None,
    role_perm="patients.manage_careteam",
    admin_perm="patients.manage_careteam",
)
VIEW_CLINICAL = PatientAction("view clinical record")
EDIT_CARE_PLAN = PatientAction("edit care plan", object_perm="edit_careplan")
# Any team member: measures, adherence observations, side-effect reports, needs, contacts.
RECORD_CLINICAL = PatientAction("add to the clinical record")
# Component work that belongs to one role on the team.
RECORD_THERAPY = PatientAction("record therapy sessions and notes",
                               role_perm="therapy.record_therapy")
PRESCRIBE = PatientAction("prescribe, change or discontinue medication",
                          role_perm="medication.prescribe")
MANAGE_REFERRALS = PatientAction("make or update referrals",
                                 role_perm="casemanagement.manage_referrals")


def check_patient(user: StaffUser, patient_id: int, action: PatientAction) -> None:
    """Raise Http404 (not on the team, or no such patient) or PermissionDenied (wrong role)."""
    if action.admin_perm and can(user, action.admin_perm):
        return
    perms = patient_perms(user, patient_id)
    if "view_patient" not in perms:
        raise Http404("No patient matches the given query.")
    if action.object_perm and action.object_perm not in perms:
        raise PermissionDenied(f"Your role on this care team may not {action.name}.")
    if action.role_perm and not can(user, action.role_perm):
        raise PermissionDenied(f"Your role may not {action.name}.")


def get_patient(user: StaffUser, patient_id: int | str, action: PatientAction) -> Patient:
    """The patient, if the user may do ``action`` on them; otherwise 404 or 403 as above."""
    try:
        pk = int(patient_id)
    except (TypeError, ValueError):
        raise Http404("No patient matches the given query.") from None
    check_patient(user, pk, action)
    patient = Patient.objects.filter(pk=pk).first()
    if patient is None:
        raise Http404("No patient matches the given query.")
    return patient


def is_clinician(user: StaffUser) -> bool:
    """Signed-in, active and holding a clinical role (therapist, psychiatrist, case manager)."""
    return bool(user.is_authenticated and user.is_active and user.role in CLINICAL_ROLES)


def visible_patients(user: StaffUser) -> QuerySet[Patient]:
    """Patients whose demographics the user may see: their care teams' (admins: all)."""
    if can(user, "patients.view_all_demographics"):
        return Patient.objects.all()
    return team_patients(user)


def team_patients(user: StaffUser) -> QuerySet[Patient]:
    """Patients on the user's care teams: the ones whose clinical record they may see."""
    return Patient.objects.filter(pk__in=team_patient_ids(user))


def team_patient_ids(user: StaffUser) -> QuerySet:
    """The ids of the patients on the user's care teams: those the user holds the view_patient
    object permission on, given with care-team membership (never through groups, global
    permissions or superuser status). A subquery, for lists that start from another table."""
    if not user.is_authenticated or not user.is_active:
        return PatientUserObjectPermission.objects.none().values("content_object_id")
    return PatientUserObjectPermission.objects.filter(
        user=user, permission__codename="view_patient",
        permission__content_type__app_label="patients").values("content_object_id")


def get_flag(user: StaffUser, flag_id: int | str, action: PatientAction) -> Flag:
    """A flag, if the user may do ``action`` on its patient (404 outside the care team)."""
    try:
        pk = int(flag_id)
    except (TypeError, ValueError):
        raise Http404("No flag matches the given query.") from None
    flag = Flag.objects.select_related("patient").filter(pk=pk).first()
    if flag is None:
        raise Http404("No flag matches the given query.")
    check_patient(user, flag.patient_id, action)
    return flag


def get_own_notification(user: StaffUser, notification_id: int | str) -> Notification:
    """One of the user's own in-app notifications; anyone else's is "not found"."""
    notification = Notification.objects.filter(
        pk=notification_id, recipient_id=getattr(user, "pk", None),
        channel=Notification.Channel.IN_APP,
    ).first()
    if notification is None or not user.is_active:
        raise Http404("No notification matches the given query.")
    return notification
