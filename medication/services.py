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
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from careteam import audit
from careteam.models import User
from careteam.records import counted, date_errors, entered_in_error_mark
from flags import services as flag_services
from flags.models import Flag, Notification
from patients import access as patient_access
from patients.models import Patient

from . import formulary
from .models import (
    NOTES_MAX,
    REASON_MAX,
    AdherenceObservation,
    Allergy,
    DrugClass,
    MedicationOrder,
    SideEffectReport,
)

Errors = dict[str, list[str]]

REASON_REQUIRED = "Give the reason for discontinuing this order."
CHANGE_REASON_REQUIRED = "Give the reason for this change."
OVERRIDE_HINT = " To go ahead anyway, give an override reason."
# Doses a day for each frequency, for the daily-dose check. "As needed" counts one dose: the
# order does not say how many, so only a single dose above the maximum is caught.
DOSES_A_DAY: dict[str, Decimal] = {
    "once_daily": Decimal(1),
    "twice_daily": Decimal(2),
    "three_times_daily": Decimal(3),
    "four_times_daily": Decimal(4),
    "every_morning": Decimal(1),
    "at_bedtime": Decimal(1),
    "as_needed": Decimal(1),
    "weekly": Decimal(1) / Decimal(7),
    "every_2_weeks": Decimal(1) / Decimal(14),
    "every_4_weeks": Decimal(1) / Decimal(28),
}
# Units the daily-dose check can compare, in milligrams.
IN_MG: dict[str, Decimal] = {"mg": Decimal(1), "mcg": Decimal("0.001"), "g": Decimal(1000)}
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


def _check_date(
    errors: Errors, field: str, value: Any, *, patient: Patient, what: str, happened: bool = True
) -> None:
    """A clinical date: 1900–2100, not before the patient's birth and, for what has happened,
    not in the future (careteam.records.date_errors)."""
    if not isinstance(value, datetime.date) or field in errors:
        return
    if happened and value > timezone.localdate():
        _add(errors, field, f"{what} cannot be in the future.")
        return
    for name, messages in date_errors(value, field=field, born=patient.date_of_birth, happened=False).items():
        errors.setdefault(name, []).extend(messages)


def _check_length(errors: Errors, field: str, value: Any, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        _add(errors, field, f"Keep it to {limit} characters (this is {len(value)}).")


def _matching_allergies(patient: Patient, drug_name: str, drug_class: str) -> list[Allergy]:
    """The patient's allergies whose substance is this drug or its class (by value or label,
    any case; a plural "SSRIs" matches too)."""
    names = {drug_name.strip().lower()}
    if drug_class in DrugClass.values:
        names |= {drug_class.lower(), str(DrugClass(drug_class).label).lower()}
    found = []
    for allergy in Allergy.objects.filter(patient=patient).order_by("id"):
        substance = allergy.substance.strip().lower()
        if substance in names or (substance.endswith("s") and substance[:-1] in names):
            found.append(allergy)
    return found


def _safety_warnings(
    *,
    patient: Patient,
    drug_name: str,
    drug_class: str,
    dose: Any,
    unit: str,
    frequency: str,
    new_order: bool,
    exclude_order_id: int | None = None,
) -> Errors:
    """The prescribing checks (API.md "Medication safety"); each is overridable with a reason.
    ``new_order``: also the formulary and same-class checks (a change keeps the drug)."""
    warnings: Errors = {}
    drug = formulary.lookup(drug_name)
    if new_order and drug is None and drug_name:
        _add(warnings, "drug_name", f"{drug_name} is not in the formulary." + OVERRIDE_HINT)
    if drug is not None and drug.max_daily_dose is not None and isinstance(dose, Decimal):
        per_day = DOSES_A_DAY.get(frequency)
        if per_day is not None and unit in IN_MG and drug.unit in IN_MG:
            daily_mg = dose * IN_MG[unit] * per_day
            max_mg = drug.max_daily_dose * IN_MG[drug.unit]
            if daily_mg > max_mg:
                daily = (daily_mg / IN_MG[drug.unit]).normalize()
                _add(
                    warnings,
                    "dose",
                    f"The daily dose ({format(daily, 'f')} {drug.unit}) is above the usual maximum for "
                    f"{drug.name} ({format(drug.max_daily_dose.normalize(), 'f')} {drug.unit} a day)."
                    + OVERRIDE_HINT,
                )
        elif per_day is not None and unit not in IN_MG:
            _add(
                warnings,
                "dose",
                f"A dose in {unit} cannot be checked against the maximum for {drug.name} "
                f"({format(drug.max_daily_dose.normalize(), 'f')} {drug.unit} a day)." + OVERRIDE_HINT,
            )
    if new_order and drug_class and drug_class != DrugClass.OTHER:
        same = (
            counted(MedicationOrder.objects.filter(patient=patient, status=MedicationOrder.Status.ACTIVE))
            .filter(drug_class=drug_class)
            .exclude(drug_name__iexact=drug_name.strip())
        )
        if exclude_order_id is not None:
            same = same.exclude(pk=exclude_order_id)
        others = sorted(same.values_list("drug_name", flat=True))
        if others:
            label = DrugClass(drug_class).label if drug_class in DrugClass.values else drug_class
            _add(
                warnings,
                "drug_name",
                f"The patient already takes another {label}: {', '.join(others)}." + OVERRIDE_HINT,
            )
    for allergy in _matching_allergies(patient, drug_name, drug_class):
        _add(
            warnings,
            "drug_name",
            f"The patient has a recorded {allergy.get_severity_display().lower()} allergy or intolerance "
            f"to {allergy.substance} ({allergy.reaction})." + OVERRIDE_HINT,
        )
    return warnings


def _merge_warnings(errors: Errors, warnings: Errors, override_reason: str) -> None:
    """Warnings become errors unless the prescriber gave an override reason."""
    if warnings and not override_reason:
        for field, messages in warnings.items():
            errors.setdefault(field, []).extend(messages)


def _medication_page(patient: Patient) -> str:
    return reverse("medication_page", kwargs={"patient_id": patient.pk})


def _tell_team(*, actor: User, patient: Patient, order: MedicationOrder, summary: str) -> None:
    flag_services.team_update(
        actor=actor,
        patient=patient,
        kind=Notification.Kind.MEDICATION,
        subject_id=order.pk,
        summary=summary,
        link=_medication_page(patient),
    )


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
    if locked.entered_in_error:
        raise ValidationError(
            {"status": ["This order was entered in error: it cannot be changed or discontinued."]}
        )
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
    return counted(
        MedicationOrder.objects.filter(
            patient=patient, status=MedicationOrder.Status.ACTIVE, drug_name__iexact=drug_name.strip()
        )
    ).exists()


@transaction.atomic
def medication_order_create(
    *,
    actor: User,
    patient: Patient,
    drug_name: str,
    dose: Decimal,
    unit: str,
    route: str,
    frequency: str,
    start_date: datetime.date,
    drug_class: str = "",
    end_date: datetime.date | None = None,
    indication: str = "",
    override_reason: str = "",
) -> MedicationOrder:
    """Start a medication: a new active order prescribed by ``actor``. A drug in the formulary
    takes its class from there; the safety checks (formulary, daily dose, same class, allergy)
    refuse the order unless ``override_reason`` says why it is right, which is then kept."""
    drug_name = (drug_name or "").strip()
    override_reason = (override_reason or "").strip()
    drug = formulary.lookup(drug_name)
    errors: Errors = {}
    if drug is not None:
        if drug_class and drug_class != drug.drug_class:
            _add(
                errors,
                "drug_class",
                f"{drug.name} is a {DrugClass(drug.drug_class).label} in the formulary.",
            )
        drug_class = drug.drug_class
    elif drug_name and not drug_class:
        _add(errors, "drug_class", "Choose the class of a drug that is not in the formulary.")
    order = MedicationOrder(
        patient=patient,
        drug_name=drug_name,
        drug_class=drug_class,
        dose=dose,
        unit=unit,
        route=route,
        frequency=frequency,
        start_date=start_date,
        end_date=end_date,
        indication=(indication or "").strip(),
        prescriber=actor,
        override_reason=override_reason,
    )
    _check_dose(errors, dose)
    _check_length(errors, "override_reason", override_reason, REASON_MAX)
    _check_date(errors, "start_date", start_date, patient=patient, what="The start date")
    # A planned end may lie ahead; it is checked for plausibility only.
    _check_date(errors, "end_date", end_date, patient=patient, what="The end date", happened=False)
    if (
        isinstance(start_date, datetime.date)
        and isinstance(end_date, datetime.date)
        and end_date < start_date
        and "end_date" not in errors
    ):
        _add(errors, "end_date", "The end date cannot be before the start date.")
    if order.drug_name and _active_duplicate(patient=patient, drug_name=order.drug_name):
        _add(
            errors,
            "drug_name",
            f"There is already an active order for {order.drug_name}: "
            "change that order instead of starting another.",
        )
    elif "drug_class" not in errors:
        warnings = _safety_warnings(
            patient=patient,
            drug_name=drug_name,
            drug_class=drug_class,
            dose=dose,
            unit=unit,
            frequency=frequency,
            new_order=True,
        )
        _merge_warnings(errors, warnings, override_reason)
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
        changes={
            "status": order.status,
            "drug_class": order.drug_class,
            **({"override": True} if order.override_reason else {}),
        },
    )
    _tell_team(
        actor=actor, patient=patient, order=order, summary=f"{order.drug_name} {order.dose_display} started"
    )
    return order


@transaction.atomic
def medication_order_change(
    *,
    actor: User,
    patient: Patient,
    order: MedicationOrder,
    reason: str = "",
    effective_date: datetime.date | None = None,
    override_reason: str = "",
    **new_values: Any,
) -> MedicationOrder:
    """Change dose, unit, route and/or frequency, for a ``reason``. Nothing is overwritten: the
    current order ends (status "changed", end date = ``effective_date``) and a new active order
    with the new values, superseding it, starts that day. The dose and allergy checks apply to
    the new order (``override_reason`` as for a start). Returns the new order."""
    unknown = set(new_values) - set(CHANGE_FIELDS)
    if unknown:
        raise ValueError(f"not a changeable order field: {sorted(unknown)}")
    current = _locked_active_order(patient=patient, order=order)
    effective_date = effective_date or timezone.localdate()
    reason = (reason or "").strip()
    override_reason = (override_reason or "").strip()
    values = {
        name: new_values.get(name) if new_values.get(name) not in (None, "") else getattr(current, name)
        for name in CHANGE_FIELDS
    }
    errors: Errors = {}
    if not reason:
        _add(errors, "reason", CHANGE_REASON_REQUIRED)
    _check_length(errors, "reason", reason, REASON_MAX)
    _check_length(errors, "override_reason", override_reason, REASON_MAX)
    _check_dose(errors, values["dose"])
    _check_date(errors, "effective_date", effective_date, patient=patient, what="The change date")
    if (
        isinstance(effective_date, datetime.date)
        and effective_date < current.start_date
        and "effective_date" not in errors
    ):
        _add(
            errors,
            "effective_date",
            f"The change date cannot be before the order started ({current.start_date:%Y-%m-%d}).",
        )
    changed = [name for name in CHANGE_FIELDS if values[name] != getattr(current, name)]
    if not changed and not errors:
        _add(errors, "non_field_errors", "Nothing to change: give a new dose, unit, route or frequency.")
    if changed and "dose" not in errors:
        warnings = _safety_warnings(
            patient=patient,
            drug_name=current.drug_name,
            drug_class=current.drug_class,
            dose=values["dose"],
            unit=str(values["unit"]),
            frequency=str(values["frequency"]),
            new_order=False,
        )
        _merge_warnings(errors, warnings, override_reason)
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
        change_reason=reason,
        override_reason=override_reason,
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
        changes={
            "status": successor.status,
            "supersedes": current.pk,
            "changed": changed,
            **({"override": True} if override_reason else {}),
        },
    )
    _tell_team(
        actor=actor,
        patient=patient,
        order=successor,
        summary=f"{successor.drug_name}: {'; '.join(successor.changes_from(current))}",
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
    _check_length(errors, "reason", reason, REASON_MAX)
    _check_date(errors, "effective_date", effective_date, patient=patient, what="The discontinuation date")
    if (
        isinstance(effective_date, datetime.date)
        and effective_date < current.start_date
        and "effective_date" not in errors
    ):
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
    _tell_team(actor=actor, patient=patient, order=current, summary=f"{current.drug_name} stopped")
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
    _check_date(errors, "observed_on", observed_on, patient=patient, what="The observation date")
    _check_length(errors, "notes", observation.notes, NOTES_MAX)
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
    if observation.order.entered_in_error:
        return
    recent = list(
        counted(AdherenceObservation.objects.filter(order=observation.order))
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
    _check_date(errors, "onset_date", onset_date, patient=patient, what="The onset date")
    _check_length(errors, "notes", report.notes, NOTES_MAX)
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
    if status == SideEffectReport.Status.RESOLVED:
        # The flag follows its record: a resolved side effect needs no more attention.
        flag_services.flags_resolve_for_record(
            actor=actor,
            patient_id=patient.pk,
            source_type="sideeffectreport",
            source_id=report.pk,
            note="The side effect was marked resolved on the medication page.",
            rules_only=False,
        )
    return report


# --- corrections: entered in error --------------------------------------------------------------

ENTERED_IN_ERROR_NOTE = "The record it was raised from was marked entered in error."


def _check_record_of_patient(record: Any, patient: Patient) -> None:
    if record.patient_id != patient.pk:
        raise ValidationError({"record": ["This record is not one of this patient's."]})


def author_check(*, actor: User, record: AdherenceObservation | SideEffectReport) -> None:
    """Adherence observations and side-effect reports are marked entered in error by the
    person who recorded them (orders: the team's psychiatrist, access.PRESCRIBE)."""
    if isinstance(record, AdherenceObservation):
        patient_access.require_author(actor, author_id=record.observed_by_id, noun="adherence observation")
    else:
        patient_access.require_author(actor, author_id=record.reported_by_id, noun="side-effect report")


def _mark_entered_in_error(
    *, actor: User, patient: Patient, record: Any, object_type: str, reason: str
) -> Any:
    """Lock ``record`` and mark it entered in error (inside the caller's transaction)."""
    _check_record_of_patient(record, patient)
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    entered_in_error_mark(
        actor=actor, record=locked, reason=reason, object_type=object_type, patient_id=patient.pk
    )
    return locked


def _resolve_rule_flags(*, actor: User, patient: Patient, source_type: str, source_id: int) -> None:
    flag_services.flags_resolve_for_record(
        actor=actor,
        patient_id=patient.pk,
        source_type=source_type,
        source_id=source_id,
        note=ENTERED_IN_ERROR_NOTE,
        rules_only=True,
    )


@transaction.atomic
def medication_order_mark_entered_in_error(
    *, actor: User, patient: Patient, order: MedicationOrder, reason: str
) -> MedicationOrder:
    """The order was never meant (wrong patient, wrong drug): it stays in the history, struck
    through, and counts nowhere; flags a rule raised from it are resolved. Only the team's
    psychiatrist may (the views check PRESCRIBE)."""
    locked = _mark_entered_in_error(
        actor=actor,
        patient=patient,
        record=order,
        object_type="medicationorder",
        reason=reason,
    )
    _resolve_rule_flags(actor=actor, patient=patient, source_type="medicationorder", source_id=locked.pk)
    return locked


@transaction.atomic
def adherence_mark_entered_in_error(
    *, actor: User, patient: Patient, observation: AdherenceObservation, reason: str
) -> AdherenceObservation:
    """Only the observer may (the views check it). A non-adherence flag this observation
    raised is resolved (the flag is about the order; only one this observation triggered)."""
    locked = _mark_entered_in_error(
        actor=actor,
        patient=patient,
        record=observation,
        object_type="adherenceobservation",
        reason=reason,
    )
    rule_key = f"non_adherence:{locked.pk}"
    raised = (
        Flag.objects.filter(patient_id=patient.pk, source_type="medicationorder", source_id=locked.order_id)
        .filter(Q(rule_key=rule_key) | Q(triggers__rule_key=rule_key))
        .exclude(status=Flag.Status.RESOLVED)
    )
    if raised.exists():
        _resolve_rule_flags(
            actor=actor, patient=patient, source_type="medicationorder", source_id=locked.order_id
        )
    return locked


@transaction.atomic
def side_effect_mark_entered_in_error(
    *, actor: User, patient: Patient, report: SideEffectReport, reason: str
) -> SideEffectReport:
    """Only the reporter may (the views check it). The side-effect flag it raised is resolved."""
    locked = _mark_entered_in_error(
        actor=actor,
        patient=patient,
        record=report,
        object_type="sideeffectreport",
        reason=reason,
    )
    _resolve_rule_flags(actor=actor, patient=patient, source_type="sideeffectreport", source_id=locked.pk)
    return locked


# --- allergies ------------------------------------------------------------------------------------


@transaction.atomic
def allergy_record(*, actor: User, patient: Patient, substance: str, reaction: str, severity: str) -> Allergy:
    """Record an allergy or intolerance (any care-team member): a drug name or a drug class."""
    allergy = Allergy(
        patient=patient,
        substance=(substance or "").strip(),
        reaction=(reaction or "").strip(),
        severity=severity,
        recorded_by=actor,
    )
    errors: Errors = {}
    _full_clean(allergy, errors, exclude=("patient", "recorded_by"))
    if errors:
        raise ValidationError(errors)
    allergy.save()
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="allergy",
        object_id=allergy.pk,
        patient_id=patient.pk,
        changes={"severity": allergy.severity},
    )
    return allergy
