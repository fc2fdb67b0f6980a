"""Access to one patient's record: the 404 / 403 decision, in one place.

Care-team membership is the source of truth: joining a team grants the team role's object
permissions on the patient (django-guardian, direct FK model), leaving revokes them. A patient
outside the caller's care teams is "not found" — the same answer as a patient that does not
exist — and a patient on the team whose record the caller's role may not touch is "forbidden".
Role capabilities (what a role may do at all) come from careteam/access.py.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from careteam.access import StaffUser, can
from careteam.models import User
from careteam.roles import PatientPerm, Perm

from .models import Patient, PatientUserObjectPermission


def patient_perms(user: StaffUser, patient_id: int) -> frozenset[str]:
    """Object permission codenames the user holds on one patient through care-team membership."""
    if not isinstance(user, User) or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_careteam_patient_perms", {})
    if patient_id not in cache:
        cache[patient_id] = frozenset(
            PatientUserObjectPermission.objects.filter(user=user, content_object_id=patient_id).values_list(
                "permission__codename", flat=True
            )
        )
    return cache[patient_id]


def on_team(user: StaffUser, patient_id: int) -> bool:
    return PatientPerm.VIEW in patient_perms(user, patient_id)


@dataclass(frozen=True)
class PatientAction:
    """What a request wants to do with one patient's record.

    object_perm: needed on the patient (care-team role). role_perm: needed from the caller's role
    as well. admin_perm: a role capability that allows this without being on the team.
    """

    name: str
    object_perm: PatientPerm | None = PatientPerm.VIEW
    role_perm: Perm | None = None
    admin_perm: Perm | None = None


VIEW_DEMOGRAPHICS = PatientAction("view demographics", admin_perm=Perm.VIEW_ALL_DEMOGRAPHICS)
CHANGE_DEMOGRAPHICS = PatientAction(
    "change demographics", object_perm=PatientPerm.CHANGE, admin_perm=Perm.CHANGE_ANY_PATIENT
)
VIEW_CARE_TEAM = PatientAction("view care team", admin_perm=Perm.VIEW_ALL_DEMOGRAPHICS)
MANAGE_CARE_TEAM = PatientAction(
    "manage care team",
    object_perm=None,
    role_perm=Perm.MANAGE_CARE_TEAM,
    admin_perm=Perm.MANAGE_CARE_TEAM,
)
VIEW_CLINICAL = PatientAction("view clinical record")
EDIT_CARE_PLAN = PatientAction("edit care plan", object_perm=PatientPerm.EDIT_CARE_PLAN)
# Any team member: measures, adherence observations, side-effect reports, needs, contacts.
RECORD_CLINICAL = PatientAction("add to the clinical record")
# Component work that belongs to one role on the team.
RECORD_THERAPY = PatientAction("record therapy sessions and notes", role_perm=Perm.RECORD_THERAPY)
PRESCRIBE = PatientAction("prescribe, change or discontinue medication", role_perm=Perm.PRESCRIBE)
MANAGE_REFERRALS = PatientAction("make or update referrals", role_perm=Perm.MANAGE_REFERRALS)


def check_patient(user: StaffUser, patient_id: int, action: PatientAction) -> None:
    """Raise Http404 (not on the team, or no such patient) or PermissionDenied (wrong role)."""
    if action.admin_perm and can(user, action.admin_perm):
        return
    perms = patient_perms(user, patient_id)
    if PatientPerm.VIEW not in perms:
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


def visible_patients(user: StaffUser) -> QuerySet[Patient]:
    """Patients whose demographics the user may see: their care teams' (admins: all)."""
    if can(user, Perm.VIEW_ALL_DEMOGRAPHICS):
        return Patient.objects.all()
    return team_patients(user)


def team_patients(user: StaffUser) -> QuerySet[Patient]:
    """Patients on the user's care teams: the ones whose clinical record they may see."""
    return Patient.objects.filter(pk__in=team_patient_ids(user))


def team_patient_ids(user: StaffUser) -> QuerySet:
    """The ids of the patients on the user's care teams: those the user holds the view_patient
    object permission on, given with care-team membership (never through groups, global
    permissions or superuser status). A subquery, for lists that start from another table."""
    if not isinstance(user, User) or not user.is_active:
        return PatientUserObjectPermission.objects.none().values("content_object_id")
    return PatientUserObjectPermission.objects.filter(
        user=user, permission__codename=PatientPerm.VIEW, permission__content_type__app_label="patients"
    ).values("content_object_id")


@dataclass(frozen=True)
class PatientPage:
    """Everything the composed patient page needs to know about the caller, decided at once:
    the patient (404 if the caller may not even see the demographics) and which parts they may
    see or use."""

    patient: Patient
    clinical: bool  # on the care team: the clinical sections are shown
    manage_team: bool
    prescribe: bool


def patient_page(user: StaffUser, patient_id: int | str) -> PatientPage:
    patient = get_patient(user, patient_id, VIEW_DEMOGRAPHICS)
    return PatientPage(
        patient=patient,
        clinical=on_team(user, patient.pk),
        manage_team=can(user, Perm.MANAGE_CARE_TEAM),
        prescribe=can(user, Perm.PRESCRIBE),
    )


def require_author(user: StaffUser, *, author_id: int | None, noun: str) -> None:
    """Records entered in error are marked by whoever recorded them (orders: the team's
    psychiatrist, PRESCRIBE): PermissionDenied (403) for anyone else on the team. The caller has
    already found the record through the patient's access check (404 off the team)."""
    if not isinstance(user, User) or user.pk != author_id:
        raise PermissionDenied(f"Only the person who recorded this {noun} may mark it entered in error.")
