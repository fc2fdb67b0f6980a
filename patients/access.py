"""Access to one patient's record: the 404 / 403 decision, in one place.

Care-team membership is the source of truth: joining a team grants the team role's object
permissions on the patient (django-guardian, direct FK model), leaving revokes them. A patient
outside the caller's care teams is "not found" — the same answer as a patient that does not
exist — and a patient on the team whose record the caller's role may not touch is "forbidden".
Role capabilities (what a role may do at all) come from careteam/access.py.

Emergency access (break-glass): a clinician off the team holding a live grant
(``BreakGlassGrant``, made by the emergency app) may do the actions that only read at view level
— never one that writes (403), never a private one such as psychotherapy notes (404, as off the
team). Every such decision marks the caller's audit rows on that patient as break-glass
(careteam.audit.break_glass_mark). Lists across patients (caseload, ``team_patient_ids``) are
care-team membership only: a grant adds nobody to them.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from careteam import audit
from careteam.access import StaffUser, can, is_clinician
from careteam.models import User
from careteam.roles import PatientPerm, Perm

from .models import BreakGlassGrant, Patient, PatientUserObjectPermission


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
    writes: the action changes the record (set on every action a writing view uses): never under
    emergency access. private: hidden from emergency access altogether (psychotherapy notes).
    """

    name: str
    object_perm: PatientPerm | None = PatientPerm.VIEW
    role_perm: Perm | None = None
    admin_perm: Perm | None = None
    writes: bool = False
    private: bool = False

    @property
    def emergency_read(self) -> bool:
        """A view-level read that a live break-glass grant allows."""
        return (
            not self.writes
            and not self.private
            and self.object_perm == PatientPerm.VIEW
            and self.role_perm is None
        )


VIEW_DEMOGRAPHICS = PatientAction("view demographics", admin_perm=Perm.VIEW_ALL_DEMOGRAPHICS)
CHANGE_DEMOGRAPHICS = PatientAction(
    "change demographics", object_perm=PatientPerm.CHANGE, admin_perm=Perm.CHANGE_ANY_PATIENT, writes=True
)
VIEW_CARE_TEAM = PatientAction("view care team", admin_perm=Perm.VIEW_ALL_DEMOGRAPHICS)
MANAGE_CARE_TEAM = PatientAction(
    "manage care team",
    object_perm=None,
    role_perm=Perm.MANAGE_CARE_TEAM,
    admin_perm=Perm.MANAGE_CARE_TEAM,
    writes=True,
)
VIEW_CLINICAL = PatientAction("view clinical record")
EDIT_CARE_PLAN = PatientAction("edit care plan", object_perm=PatientPerm.EDIT_CARE_PLAN, writes=True)
# Any team member: measures, adherence observations, side-effect reports, needs, contacts, flags,
# acknowledgements and corrections (entered in error).
RECORD_CLINICAL = PatientAction("add to the clinical record", writes=True)
# Component work that belongs to one role on the team.
RECORD_THERAPY = PatientAction(
    "record therapy sessions and notes", role_perm=Perm.RECORD_THERAPY, writes=True
)
PRESCRIBE = PatientAction(
    "prescribe, change or discontinue medication", role_perm=Perm.PRESCRIBE, writes=True
)
MANAGE_REFERRALS = PatientAction("make or update referrals", role_perm=Perm.MANAGE_REFERRALS, writes=True)
# Psychotherapy notes (their author only, in therapy): never shown under emergency access.
READ_PSYCHOTHERAPY_NOTES = PatientAction(
    "read psychotherapy notes", role_perm=Perm.RECORD_THERAPY, private=True
)
OPEN_PSYCHOTHERAPY_NOTE = PatientAction("open a psychotherapy note", private=True)

NOT_FOUND = "No patient matches the given query."
BREAK_GLASS_CLINICIANS = "Emergency access is for clinicians: therapists, psychiatrists, case managers."


def check_patient(user: StaffUser, patient_id: int, action: PatientAction) -> None:
    """Raise Http404 (not on the team, or no such patient) or PermissionDenied (wrong role)."""
    if action.admin_perm and can(user, action.admin_perm):
        return
    perms = patient_perms(user, patient_id)
    if PatientPerm.VIEW not in perms:
        _check_emergency_access(user, patient_id, action)
        return
    audit.break_glass_mark(user, patient_id, None)
    if action.object_perm and action.object_perm not in perms:
        raise PermissionDenied(f"Your role on this care team may not {action.name}.")
    if action.role_perm and not can(user, action.role_perm):
        raise PermissionDenied(f"Your role may not {action.name}.")


def get_patient(user: StaffUser, patient_id: int | str, action: PatientAction) -> Patient:
    """The patient, if the user may do ``action`` on them; otherwise 404 or 403 as above."""
    try:
        pk = int(patient_id)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND) from None
    check_patient(user, pk, action)
    patient = Patient.objects.filter(pk=pk).first()
    if patient is None:
        raise Http404(NOT_FOUND)
    return patient


def live_grant(user: StaffUser, patient_id: int) -> BreakGlassGrant | None:
    """The caller's break-glass grant on this patient that has not expired (the latest), if the
    caller is an active clinician; never cached: it expires while a user object lives."""
    if not is_clinician(user) or not isinstance(user, User):
        return None
    return (
        BreakGlassGrant.objects.filter(clinician=user, patient_id=patient_id, expires_at__gt=timezone.now())
        .only("pk", "expires_at")
        .order_by("-expires_at", "-id")
        .first()
    )


def break_glass_patient(user: StaffUser, patient_id: int | str) -> Patient:
    """The patient a clinician asks emergency access to: 403 for anyone but an active clinician
    (admins see demographics already and never clinical records; decided before any input is
    looked at), 404 when there is no such patient. Being on the team already is the service's
    refusal (400), not an access decision."""
    if not is_clinician(user):
        raise PermissionDenied(BREAK_GLASS_CLINICIANS)
    try:
        pk = int(patient_id)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND) from None
    patient = Patient.objects.filter(pk=pk).first()
    if patient is None:
        raise Http404(NOT_FOUND)
    return patient


def break_glass_patient_by_record_number(user: StaffUser, record_number: str) -> Patient | None:
    """The emergency-access page: the patient whose record number is exactly this one (None if
    nobody's is), for an active clinician only (403 for anyone else)."""
    if not is_clinician(user):
        raise PermissionDenied(BREAK_GLASS_CLINICIANS)
    return Patient.objects.filter(record_number=record_number.strip()).first()


def may_break_glass(user: StaffUser) -> bool:
    return is_clinician(user)


def require_may_break_glass(user: StaffUser) -> None:
    if not may_break_glass(user):
        raise PermissionDenied(BREAK_GLASS_CLINICIANS)


def emergency_until(user: StaffUser, patient_id: int) -> datetime.datetime | None:
    """When the caller's read-only emergency access to the patient ends: None when their access
    rests on the care team or a role capability (or they have none). Pages that show write forms
    hide them while it is set, and show the banner."""
    if on_team(user, patient_id) or can(user, Perm.VIEW_ALL_DEMOGRAPHICS):
        return None
    grant = live_grant(user, patient_id)
    return grant.expires_at if grant is not None else None


def _check_emergency_access(user: StaffUser, patient_id: int, action: PatientAction) -> None:
    """Off the team: 404 unless a live grant allows the action; 403 for a write under one."""
    grant = live_grant(user, patient_id)
    if grant is None:
        audit.break_glass_mark(user, patient_id, None)
        raise Http404(NOT_FOUND)
    if action.private:
        raise Http404(NOT_FOUND)
    if not action.emergency_read:
        raise PermissionDenied(f"Emergency access is read-only: you may not {action.name}.")
    audit.break_glass_mark(user, patient_id, grant.pk)


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
    clinical: bool  # on the care team or under emergency access: the clinical sections are shown
    manage_team: bool
    prescribe: bool
    # Under emergency access: until when; the page is read-only (no write forms or links).
    emergency_until: datetime.datetime | None = None

    @property
    def read_only(self) -> bool:
        return self.emergency_until is not None


def patient_page(user: StaffUser, patient_id: int | str) -> PatientPage:
    patient = get_patient(user, patient_id, VIEW_DEMOGRAPHICS)
    team = on_team(user, patient.pk)
    until = None if team else emergency_until(user, patient.pk)
    return PatientPage(
        patient=patient,
        clinical=team or until is not None,
        manage_team=can(user, Perm.MANAGE_CARE_TEAM),
        prescribe=team and can(user, Perm.PRESCRIBE),
        emergency_until=until,
    )


def require_author(user: StaffUser, *, author_id: int | None, noun: str) -> None:
    """Records entered in error are marked by whoever recorded them (orders: the team's
    psychiatrist, PRESCRIBE): PermissionDenied (403) for anyone else on the team. The caller has
    already found the record through the patient's access check (404 off the team)."""
    if not isinstance(user, User) or user.pk != author_id:
        raise PermissionDenied(f"Only the person who recorded this {noun} may mark it entered in error.")
