"""Writes for medication: orders (start, change, discontinue), adherence, side-effect reports.

Each function is one transaction: it validates (ValidationError {"field": [message]}, nothing
written), writes, and records an audit row with ids and enum values only. Who may call which is
decided by the views through careteam.access (PRESCRIBE for orders, RECORD_CLINICAL for the rest).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from careteam import audit
from careteam.models import User
from flags import services as flag_services
from patients.models import Patient

from .models import AdherenceObservation, MedicationOrder, SideEffectReport

Errors = dict[str, list[str]]

REASON_REQUIRED = "Give the reason for discontinuing this order."
DOSE_NOT_POSITIVE = "Dose must be greater than zero."
CHANGE_FIELDS = ("dose", "unit", "route", "frequency")
# Where a side-effect report may go from each status: forward only.
SIDE_EFFECT_NEXT: dict[str, tuple[str, ...]] = {
    SideEffectReport.Status.OPEN: (SideEffectReport.Status.ACKNOWLEDGED, SideEffectReport.Status.RESOLVED),
    SideEffectReport.Status.ACKNOWLEDGED: (SideEffectReport.Status.RESOLVED,),
    SideEffectReport.Status.RESOLVED: (),
}


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_not_future(errors: Errors, field: str, value: Any, what: str) -> None:
    if isinstance(value, datetime.date) and value > timezone.localdate():
        _add(errors, field, f"{what} cannot be in the future.")


def _full_clean(obj: Any, errors: Errors, *, exclude: tuple[str, ...] = ()) -> None:
    """Field-level checks (choices, lengths, digits) merged into ``errors``. Constraints are
    checked by the callers with clearer messages and held by the database besides."""
    try:
        obj.full_clean(exclude=[*exclude, *errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def _check_dose(errors: Errors, dose: Any) -> None:
    if isinstance(dose, (Decimal, int, float)) and dose <= 0:
        _add(errors, "dose", DOSE_NOT_POSITIVE)


def _locked_active_order(*, patient: Patient, order: MedicationOrder) -> MedicationOrder:
    """The order, locked, if it is still active. A change or discontinuation of an order that
    has already been changed or stopped (by a colleague, or earlier) is refused with 400."""
    if order.patient_id != patient.pk:
        raise ValidationError({"order": ["This order is not one of this patient's medication orders."]})
    locked = MedicationOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status != MedicationOrder.Status.ACTIVE:
        when = f" on {locked.end_date:%Y-%m-%d}" if locked.end_date else ""
        successor = MedicationOrder.objects.filter(supersedes=locked).only("pk").first()
        then = f" The current order is order {successor.pk}: change that one instead." if successor else ""
        raise ValidationError(
            {
                "status": [
                    f"This order is no longer active (it was {locked.status}{when}); only an active "
                    f"order can be changed or discontinued.{then}"
                ]
            }
        )
    return locked


def _active_duplicate(*, patient: Patient, drug_name: str) -> bool:
    return MedicationOrder.objects.filter(
        patient=patient, status=MedicationOrder.Status.ACTIVE, drug_name__iexact=drug_name.strip()
    ).exists()


@transaction.atomic
def medication_order_create(
    *,
    actor: User,
    patient: Patient,
    drug_name: str,
    drug_class: str,
    dose: Decimal,
    unit: str,
    route: str,
    frequency: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    indication: str = "",
) -> MedicationOrder:
    """Start a medication: a new active order prescribed by ``actor``."""
    order = MedicationOrder(
        patient=patient,
        drug_name=(drug_name or "").strip(),
        drug_class=drug_class,
        dose=dose,
        unit=unit,
        route=route,
        frequency=frequency,
        start_date=start_date,
        end_date=end_date,
        indication=(indication or "").strip(),
        prescriber=actor,
    )
    errors: Errors = {}
    _check_dose(errors, dose)
    _check_not_future(errors, "start_date", start_date, "The start date")
    if (
        isinstance(start_date, datetime.date)
        and isinstance(end_date, datetime.date)
        and end_date < start_date
    ):
        _add(errors, "end_date", "The end date cannot be before the start date.")
    if order.drug_name and _active_duplicate(patient=patient, drug_name=order.drug_name):
        _add(
            errors,
            "drug_name",
            f"There is already an active order for {order.drug_name}: "
            "change that order instead of starting another.",
        )
    _full_clean(order, errors, exclude=("patient", "prescriber"))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError as exc:  # a colleague started the same drug at the same moment
        raise ValidationError(
            {
                "drug_name": [
                    f"There is already an active order for {order.drug_name}: change that order instead."
                ]
            }
        ) from exc
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="medicationorder",
        object_id=order.pk,
        patient_id=patient.pk,
        changes={"status": order.status, "drug_class": order.drug_class},
    )
    return order


@transaction.atomic
def medication_order_change(
    *,
    actor: User,
    patient: Patient,
    order: MedicationOrder,
    effective_date: datetime.date | None = None,
    **new_values: Any,
) -> MedicationOrder:
    """Change dose, unit, route and/or frequency. Nothing is overwritten: the current order ends
    (status "changed", end date = ``effective_date``) and a new active order with the new
    values, superseding it, starts that day. Returns the new order."""
    unknown = set(new_values) - set(CHANGE_FIELDS)
    if unknown:
        raise ValueError(f"not a changeable order field: {sorted(unknown)}")
    current = _locked_active_order(patient=patient, order=order)
    effective_date = effective_date or timezone.localdate()
    values = {
        name: new_values.get(name) if new_values.get(name) not in (None, "") else getattr(current, name)
        for name in CHANGE_FIELDS
    }
    errors: Errors = {}
    _check_dose(errors, values["dose"])
    _check_not_future(errors, "effective_date", effective_date, "The change date")
    if isinstance(effective_date, datetime.date) and effective_date < current.start_date:
        _add(
            errors,
            "effective_date",
            f"The change date cannot be before the order started ({current.start_date:%Y-%m-%d}).",
        )
    changed = [name for name in CHANGE_FIELDS if values[name] != getattr(current, name)]
    if not changed and not errors:
        _add(errors, "non_field_errors", "Nothing to change: give a new dose, unit, route or frequency.")
    planned_end = current.end_date if current.end_date and current.end_date >= effective_date else None
    successor = MedicationOrder(
        patient=patient,
        drug_name=current.drug_name,
        drug_class=current.drug_class,
        start_date=effective_date,
        end_date=planned_end,
        indication=current.indication,
        prescriber=actor,
        supersedes=current,
        **values,
    )
    _full_clean(successor, errors, exclude=("patient", "prescriber", "supersedes"))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    current.status = MedicationOrder.Status.CHANGED
    current.end_date = effective_date
    current.updated_at = now
    current.save(update_fields=["status", "end_date", "updated_at"])
    successor.created_at = successor.updated_at = now
    successor.save()
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        object_type="medicationorder",
        object_id=current.pk,
        patient_id=patient.pk,
        changes={"status": [MedicationOrder.Status.ACTIVE, current.status], "superseded_by": successor.pk},
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="medicationorder",
        object_id=successor.pk,
        patient_id=patient.pk,
        changes={"status": successor.status, "supersedes": current.pk, "changed": changed},
    )
    return successor


@transaction.atomic
def medication_order_discontinue(
    *,
    actor: User,
    patient: Patient,
    order: MedicationOrder,
    reason: str,
    effective_date: datetime.date | None = None,
) -> MedicationOrder:
    """Stop an active order: status discontinued, end date ``effective_date`` (default today)."""
    current = _locked_active_order(patient=patient, order=order)
    effective_date = effective_date or timezone.localdate()
    reason = (reason or "").strip()
    errors: Errors = {}
    if not reason:
        _add(errors, "reason", REASON_REQUIRED)
    _check_not_future(errors, "effective_date", effective_date, "The discontinuation date")
    if isinstance(effective_date, datetime.date) and effective_date < current.start_date:
        _add(
            errors,
            "effective_date",
            f"The discontinuation date cannot be before the order started ({current.start_date:%Y-%m-%d}).",
        )
    if errors:
        raise ValidationError(errors)
    current.status = MedicationOrder.Status.DISCONTINUED
    current.end_date = effective_date
    current.discontinuation_reason = reason
    current.updated_at = timezone.now()
    current.save(update_fields=["status", "end_date", "discontinuation_reason", "updated_at"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        object_type="medicationorder",
        object_id=current.pk,
        patient_id=patient.pk,
        changes={
            "status": [MedicationOrder.Status.ACTIVE, current.status],
            "discontinuation_reason": "changed",
        },
    )
    return current


def _check_order_of_patient(errors: Errors, *, patient: Patient, order: Any) -> bool:
    if not isinstance(order, MedicationOrder) or order.patient_id != patient.pk:
        _add(errors, "order", "Choose one of this patient's medication orders.")
        return False
    return True


@transaction.atomic
def adherence_record(
    *,
    actor: User,
    patient: Patient,
    order: MedicationOrder,
    observed_on: datetime.date,
    status: str,
    notes: str = "",
) -> AdherenceObservation:
    """Record how the patient took one order on one day (any team member; observer = actor)."""
    observation = AdherenceObservation(
        patient=patient,
        order=order,
        observed_on=observed_on,
        status=status,
        observed_by=actor,
        notes=(notes or "").strip(),
    )
    errors: Errors = {}
    _check_not_future(errors, "observed_on", observed_on, "The observation date")
    if (
        _check_order_of_patient(errors, patient=patient, order=order)
        and isinstance(observed_on, datetime.date)
        and "observed_on" not in errors
    ):
        if observed_on < order.start_date:
            _add(
                errors,
                "observed_on",
                f"The observation date cannot be before the order started ({order.start_date:%Y-%m-%d}).",
            )
        elif (
            order.status != MedicationOrder.Status.ACTIVE and order.end_date and observed_on > order.end_date
        ):
            _add(
                errors,
                "observed_on",
                f"This order ended on {order.end_date:%Y-%m-%d}: record "
                "adherence on the order in effect that day.",
            )
    _full_clean(observation, errors, exclude=("patient", "order", "observed_by"))
    if errors:
        raise ValidationError(errors)
    observation.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="adherenceobservation",
        object_id=observation.pk,
        patient_id=patient.pk,
        changes={"order": order.pk, "status": observation.status},
    )
    _flag_repeated_missed_doses(actor=actor, patient=patient, observation=observation)
    return observation


def _flag_repeated_missed_doses(*, actor: User, patient: Patient, observation: AdherenceObservation) -> None:
    """The NON_ADHERENCE_FLAG_AFTER-th "missed" in a row on one order raises a non-adherence flag
    for the psychiatrist (once per run of misses: only when the run reaches the threshold)."""
    threshold = settings.NON_ADHERENCE_FLAG_AFTER
    if observation.status != AdherenceObservation.Status.MISSED:
        return
    recent = list(
        AdherenceObservation.objects.filter(order=observation.order)
        .order_by("-observed_on", "-id")
        .values_list("pk", "status")[: threshold + 1]
    )
    run = 0
    for _pk, status in recent:
        if status != AdherenceObservation.Status.MISSED:
            break
        run += 1
    if recent and recent[0][0] == observation.pk and run == threshold:
        flag_services.flag_raise(
            actor=None,
            patient=patient,
            category="non_adherence",
            severity="routine",
            message=f"{threshold} missed doses in a row recorded for {observation.order.drug_name}.",
            source_type="medicationorder",
            source_id=observation.order_id,
            rule_key=f"non_adherence:{observation.pk}",
            reason_key=f"non_adherence:{observation.order_id}",
        )


@transaction.atomic
def side_effect_report(
    *,
    actor: User,
    patient: Patient,
    order: MedicationOrder,
    symptom: str,
    severity: str,
    onset_date: datetime.date,
    notes: str = "",
) -> SideEffectReport:
    """Report a suspected side effect of one of the patient's orders (any team member). It
    raises a side-effect flag (urgent when severe) so the psychiatrist is told at once."""
    report = SideEffectReport(
        patient=patient,
        order=order,
        symptom=(symptom or "").strip(),
        severity=severity,
        onset_date=onset_date,
        notes=(notes or "").strip(),
        reported_by=actor,
    )
    errors: Errors = {}
    _check_not_future(errors, "onset_date", onset_date, "The onset date")
    if (
        _check_order_of_patient(errors, patient=patient, order=order)
        and isinstance(onset_date, datetime.date)
        and onset_date < order.start_date
    ):
        _add(
            errors,
            "onset_date",
            f"The onset date cannot be before the order started ({order.start_date:%Y-%m-%d}).",
        )
    _full_clean(report, errors, exclude=("patient", "order", "reported_by"))
    if errors:
        raise ValidationError(errors)
    report.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="sideeffectreport",
        object_id=report.pk,
        patient_id=patient.pk,
        changes={"order": order.pk, "severity": report.severity, "status": report.status},
    )
    # The psychiatrist must hear of it: a side-effect flag, in this same transaction.
    flag_services.flag_raise(
        actor=actor,
        patient=patient,
        category="side_effect",
        severity="urgent" if report.severity == SideEffectReport.Severity.SEVERE else "routine",
        message=f"Side effect reported ({report.get_severity_display().lower()}): "
        f"{report.symptom}, on {order.drug_name}.",
        source_type="sideeffectreport",
        source_id=report.pk,
        rule_key=f"side_effect:{report.pk}",
    )
    return report


@transaction.atomic
def side_effect_status_update(
    *, actor: User, patient: Patient, report: SideEffectReport, status: str
) -> SideEffectReport:
    """Acknowledge or resolve a report. Status only moves forward (open → acknowledged →
    resolved, or open → resolved), so two colleagues acting at once cannot undo each other."""
    if report.patient_id != patient.pk:
        raise ValidationError({"report": ["This report is not one of this patient's."]})
    report = SideEffectReport.objects.select_for_update().get(pk=report.pk)
    allowed = SIDE_EFFECT_NEXT.get(report.status, ())
    if status not in SideEffectReport.Status.values:
        raise ValidationError(
            {"status": [f"Unknown status. Choose one of: {', '.join(SideEffectReport.Status.values)}."]}
        )
    if status not in allowed:
        if status == report.status:
            message = f"This report is already {report.status}."
        elif allowed:
            message = f"A report that is {report.status} can only become {' or '.join(allowed)}."
        else:
            message = "This report is resolved; report a new side effect if it has come back."
        raise ValidationError({"status": [message]})
    previous = report.status
    now = timezone.now()
    report.status = status
    fields = ["status"]
    if status == SideEffectReport.Status.ACKNOWLEDGED:
        report.acknowledged_by, report.acknowledged_at = actor, now
        fields += ["acknowledged_by", "acknowledged_at"]
    else:
        report.resolved_by, report.resolved_at = actor, now
        fields += ["resolved_by", "resolved_at"]
    report.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        object_type="sideeffectreport",
        object_id=report.pk,
        patient_id=patient.pk,
        changes={"status": [previous, status]},
    )
    return report
