"""Writes for patients, care teams and the shared care plan. One transaction each, audited."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from careteam import audit
from careteam.models import User
from careteam.records import date_errors
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


def text_length_errors(obj: models.Model) -> dict[str, list[str]]:
    """A message per free-text field longer than its model's max_length (Django's full_clean
    checks CharFields but not TextFields)."""
    errors: dict[str, list[str]] = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.max_length:
            value = getattr(obj, field.attname)
            if isinstance(value, str) and len(value) > field.max_length:
                errors[field.name] = [f"Keep it to {field.max_length} characters (it has {len(value)})."]
    return errors


def _check_patient_fields(patient: Patient, *, exclude_pk: int | None = None) -> None:
    errors: dict[str, list[str]] = text_length_errors(patient)
    if isinstance(patient.date_of_birth, datetime.date):
        if patient.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = ["Date of birth cannot be in the future."]
        else:
            errors.update(date_errors(patient.date_of_birth, field="date_of_birth"))
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
            if field not in errors:
                errors[field] = messages
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
    _revision_add(plan=plan, actor=actor, summary="Care plan opened", changes={})
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


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def field_changes(before: dict[str, Any], after: dict[str, Any], changed: list[str]) -> dict[str, list]:
    """``{name: [old, new]}`` for the changed fields, dates as ISO text."""
    return {name: [_json_value(before[name]), _json_value(after[name])] for name in changed}


def _revision_add(*, plan: CarePlan, actor: User, summary: str, changes: dict) -> CarePlanRevision:
    """A numbered revision saying what changed (not a copy of the whole plan: a plan edited
    every week would otherwise store every goal again each time)."""
    last = plan.revisions.aggregate(last=Max("number"))["last"] or 0
    return CarePlanRevision.objects.create(
        care_plan=plan,
        number=last + 1,
        changes=changes,
        summary=summary,
        changed_by=actor,
    )


def _full_clean(obj: Any) -> dict[str, list[str]]:
    errors = text_length_errors(obj)
    try:
        obj.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    return errors


def care_plan_update(*, actor: User, patient: Patient, version: int, **fields: Any) -> CarePlan:
    """Edit the plan's own fields. ``version`` is the version the edit was based on: if a
    colleague saved in between, nothing is written and StaleEdit says so (careteam.versioning).
    A new review date cannot be in the past; a plan whose review date has passed can still be
    saved with that date unchanged."""
    stored: dict[str, Any] = {}

    def lock() -> CarePlan:
        plan = (
            CarePlan.objects.select_for_update(of=("self",)).select_related("updated_by").get(patient=patient)
        )
        stored.update({name: getattr(plan, name) for name in CARE_PLAN_FIELDS})
        return plan

    def validate(plan: CarePlan) -> dict[str, list[str]]:
        errors = _full_clean(plan)
        review = plan.next_review_date
        if isinstance(review, datetime.date) and review != stored.get("next_review_date"):
            errors.update(date_errors(review, field="next_review_date", happened=False))
            if review < timezone.localdate() and "next_review_date" not in errors:
                errors["next_review_date"] = ["The review date cannot be in the past."]
        return errors

    def after_change(plan: CarePlan, changed: list[str]) -> None:
        if "next_review_date" in changed:
            summary.care_plan_review_set(patient_id=patient.pk, on=plan.next_review_date)
        after = {name: getattr(plan, name) for name in CARE_PLAN_FIELDS}
        _revision_add(
            plan=plan,
            actor=actor,
            summary="Edited " + ", ".join(n.replace("_", " ") for n in changed),
            changes={"fields": field_changes(stored, after, changed)},
        )

    return versioned_update(
        actor=actor,
        version=version,
        fields=fields,
        allowed=CARE_PLAN_FIELDS,
        kind="careplan",
        noun="care plan",
        patient_id=patient.pk,
        validate=validate,
        stamp_user=True,
        lock=lock,
        audit_changes=lambda _before, _after, changed, plan: {"fields": changed, "version": plan.version},
        after_change=after_change,
    )


@transaction.atomic
def goal_create(*, actor: User, patient: Patient, **fields: Any) -> Goal:
    plan = CarePlan.objects.select_for_update().get(patient=patient)
    goal = Goal(care_plan=plan, **{n: v for n, v in fields.items() if n in GOAL_FIELDS})
    errors = _full_clean(goal)
    if errors:
        raise ValidationError(errors)
    goal.save()
    added = {name: _json_value(getattr(goal, name)) for name in GOAL_FIELDS}
    _revision_add(
        plan=plan, actor=actor, summary="Added a goal", changes={"goals": [{"id": goal.pk, "added": added}]}
    )
    audit.record(
        actor=actor, action=audit.Action.CREATE, object_type="goal", object_id=goal.pk, patient_id=patient.pk
    )
    return goal


def goal_update(*, actor: User, goal: Goal, version: int, **fields: Any) -> Goal:
    """Edit a goal, based on ``version`` (careteam.versioning); the plan gets a revision."""

    stored: dict[str, Any] = {}

    def lock() -> Goal:
        locked = Goal.objects.select_for_update().select_related("care_plan").get(pk=goal.pk)
        stored.update({name: getattr(locked, name) for name in GOAL_FIELDS})
        return locked

    def add_revision(locked: Goal, changed: list[str]) -> None:
        after = {name: getattr(locked, name) for name in GOAL_FIELDS}
        _revision_add(
            plan=locked.care_plan,
            actor=actor,
            summary=f"Edited goal {locked.pk}",
            changes={"goals": [{"id": locked.pk, "fields": field_changes(stored, after, changed)}]},
        )

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
        lock=lock,
        audited_values=("status",),
        after_change=add_revision,
    )
