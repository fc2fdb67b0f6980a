"""Writes for patients, care teams and the shared care plan. One transaction each, audited."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from careteam import audit
from careteam.models import User
from careteam.roles import TEAM_ROLE_PATIENT_PERMISSIONS, TEAM_ROLES_FOR_STAFF_ROLE, Role
from careteam.versioning import versioned_update

from . import summary
from .models import CarePlan, CarePlanRevision, CareTeamMember, Goal, Patient

PATIENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "record_number",
    "phone",
    "email",
    "address",
    "status",
    "consent_to_share",
)
CARE_PLAN_FIELDS = (
    "problems",
    "therapy_interventions",
    "medication_interventions",
    "case_management_interventions",
    "next_review_date",
)
GOAL_FIELDS = ("description", "measurable_target", "target_date", "status")


def _check_patient_fields(patient: Patient, *, exclude_pk: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if isinstance(patient.date_of_birth, datetime.date) and patient.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = ["Date of birth cannot be in the future."]
    if patient.record_number:
        clash = Patient.objects.filter(record_number__iexact=patient.record_number)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["record_number"] = ["Another patient already has this record number."]
    try:
        patient.full_clean(
            exclude=["record_number"] if "record_number" in errors else None, validate_unique=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def patient_register(*, actor: User, **fields: Any) -> Patient:
    """Register a patient and open an empty care plan. A case manager who registers a patient
    becomes that patient's case manager and primary contact, so they can go on working."""
    patient = Patient(**{name: value for name, value in fields.items() if name in PATIENT_FIELDS})
    _check_patient_fields(patient)
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError as exc:  # a concurrent registration with the same record number
        raise ValidationError({"record_number": ["Another patient already has this record number."]}) from exc
    plan = CarePlan.objects.create(patient=patient, updated_by=actor)
    summary.patient_opened(patient_id=patient.pk)
    _revision_add(plan=plan, actor=actor, summary="Care plan opened")
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="patient",
        object_id=patient.pk,
        patient_id=patient.pk,
    )
    if actor.role == Role.CASE_MANAGER:
        care_team_add(actor=actor, patient=patient, user=actor, role=Role.CASE_MANAGER, is_primary=True)
    return patient


@transaction.atomic
def patient_update(*, actor: User, patient: Patient, **fields: Any) -> Patient:
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    before = {name: getattr(patient, name) for name in PATIENT_FIELDS}
    for name, value in fields.items():
        if name not in PATIENT_FIELDS:
            raise ValueError(f"not a patient field: {name}")
        setattr(patient, name, value)
    _check_patient_fields(patient, exclude_pk=patient.pk)
    changed = [name for name in PATIENT_FIELDS if getattr(patient, name) != before[name]]
    if changed:
        patient.updated_at = timezone.now()
        patient.save(update_fields=[*changed, "updated_at"])
        after = {name: getattr(patient, name) for name in PATIENT_FIELDS}
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            changes=audit.field_changes(before, after, values=("status", "consent_to_share")),
        )
    return patient


@transaction.atomic
def care_team_add(
    *, actor: User, patient: Patient, user: User, role: str, is_primary: bool = False
) -> CareTeamMember:
    """Put a staff member on a patient's care team and grant the role's object permissions."""
    errors: dict[str, list[str]] = {}
    if role not in TEAM_ROLE_PATIENT_PERMISSIONS:
        errors["role"] = ["Unknown care-team role. Choose therapist, psychiatrist or case_manager."]
    elif role not in TEAM_ROLES_FOR_STAFF_ROLE.get(user.role, ()):
        errors["role"] = [f"A {user.role_label.lower()} cannot join a care team as {role}."]
    if not user.is_active:
        errors["user"] = ["This staff member is deactivated."]
    elif CareTeamMember.objects.filter(patient=patient, user=user).exists():
        errors["user"] = ["This staff member is already on the care team."]
    if errors:
        raise ValidationError(errors)
    if is_primary:
        CareTeamMember.objects.filter(patient=patient, is_primary=True).update(is_primary=False)
    member = CareTeamMember.objects.create(
        patient=patient, user=user, role=role, is_primary=is_primary, added_by=actor
    )
    for codename in TEAM_ROLE_PATIENT_PERMISSIONS[role]:
        assign_perm(codename, user, patient)
    user.__dict__.pop("_careteam_patient_perms", None)
    audit.record(
        actor=actor,
        action=audit.Action.GRANT,
        object_type="careteammember",
        object_id=member.pk,
        patient_id=patient.pk,
        changes={"user": user.pk, "role": role, "is_primary": is_primary},
    )
    return member


@transaction.atomic
def care_team_remove(*, actor: User, member: CareTeamMember) -> None:
    """Take a member off the care team; their access to the patient ends with this commit."""
    patient, user = member.patient, member.user
    for codename in TEAM_ROLE_PATIENT_PERMISSIONS.get(member.role, ()):
        remove_perm(codename, user, patient)
    user.__dict__.pop("_careteam_patient_perms", None)
    audit.record(
        actor=actor,
        action=audit.Action.REVOKE,
        object_type="careteammember",
        object_id=member.pk,
        patient_id=patient.pk,
        changes={"user": user.pk, "role": member.role},
    )
    member.delete()


def _snapshot(plan: CarePlan) -> dict:
    data = {name: getattr(plan, name) for name in CARE_PLAN_FIELDS}
    data["next_review_date"] = plan.next_review_date.isoformat() if plan.next_review_date else None
    data["version"] = plan.version
    data["goals"] = [
        {
            "id": goal.pk,
            "description": goal.description,
            "measurable_target": goal.measurable_target,
            "target_date": goal.target_date.isoformat(),
            "status": goal.status,
            "version": goal.version,
        }
        for goal in plan.goals.order_by("id")
    ]
    return data


def _revision_add(*, plan: CarePlan, actor: User, summary: str) -> CarePlanRevision:
    last = plan.revisions.aggregate(last=Max("number"))["last"] or 0
    return CarePlanRevision.objects.create(
        care_plan=plan,
        number=last + 1,
        snapshot=_snapshot(plan),
        summary=summary,
        changed_by=actor,
    )


def _full_clean(obj: Any) -> dict[str, list[str]]:
    obj.full_clean()  # raises ValidationError with the field messages
    return {}


def care_plan_update(*, actor: User, patient: Patient, version: int, **fields: Any) -> CarePlan:
    """Edit the plan's own fields. ``version`` is the version the edit was based on: if a
    colleague saved in between, nothing is written and StaleEdit says so (careteam.versioning)."""

    def after_change(plan: CarePlan, changed: list[str]) -> None:
        if "next_review_date" in changed:
            summary.care_plan_review_set(patient_id=patient.pk, on=plan.next_review_date)
        _revision_add(
            plan=plan, actor=actor, summary="Edited " + ", ".join(n.replace("_", " ") for n in changed)
        )

    return versioned_update(
        actor=actor,
        version=version,
        fields=fields,
        allowed=CARE_PLAN_FIELDS,
        kind="careplan",
        noun="care plan",
        patient_id=patient.pk,
        validate=_full_clean,
        stamp_user=True,
        lock=lambda: (
            CarePlan.objects.select_for_update(of=("self",)).select_related("updated_by").get(patient=patient)
        ),
        audit_changes=lambda _before, _after, changed, plan: {"fields": changed, "version": plan.version},
        after_change=after_change,
    )


@transaction.atomic
def goal_create(*, actor: User, patient: Patient, **fields: Any) -> Goal:
    plan = CarePlan.objects.select_for_update().get(patient=patient)
    goal = Goal(care_plan=plan, **{n: v for n, v in fields.items() if n in GOAL_FIELDS})
    goal.full_clean()
    goal.save()
    _revision_add(plan=plan, actor=actor, summary="Added a goal")
    audit.record(
        actor=actor, action=audit.Action.CREATE, object_type="goal", object_id=goal.pk, patient_id=patient.pk
    )
    return goal


def goal_update(*, actor: User, goal: Goal, version: int, **fields: Any) -> Goal:
    """Edit a goal, based on ``version`` (careteam.versioning); the plan gets a revision."""

    def add_revision(locked: Goal, _changed: list[str]) -> None:
        _revision_add(plan=locked.care_plan, actor=actor, summary=f"Edited goal {locked.pk}")

    # The plan is locked with the goal: its revisions are numbered one at a time.
    return versioned_update(
        actor=actor,
        version=version,
        fields=fields,
        allowed=GOAL_FIELDS,
        kind="goal",
        noun="goal",
        patient_id=lambda goal: goal.care_plan.patient_id,
        validate=_full_clean,
        lock=lambda: Goal.objects.select_for_update().select_related("care_plan").get(pk=goal.pk),
        audited_values=("status",),
        after_change=add_revision,
    )
