"""Demo medication histories for `manage.py seed_demo`, written through the services.

Each demo patient with a psychiatrist on the team gets drugs that fit their problem, with at least
one dose change (the chain shows in the history), adherence observations and a side effect.
The fourth demo patient has no psychiatrist, so no orders.
"""

import datetime
from decimal import Decimal
from typing import Any

from careteam.models import User
from medication import services
from medication.models import MedicationOrder
from patients.models import Patient

DAY = datetime.timedelta(days=1)


def _start(
    psychiatrist: User, patient: Patient, today: datetime.date, days_ago: int, **fields: Any
) -> MedicationOrder:
    return services.medication_order_create(
        actor=psychiatrist, patient=patient, start_date=today - days_ago * DAY, **fields
    )


def _change(
    psychiatrist: User,
    order: MedicationOrder,
    today: datetime.date,
    days_ago: int,
    reason: str = "Partial response at the current dose",
    **new_values: Any,
) -> MedicationOrder:
    return services.medication_order_change(
        actor=psychiatrist,
        patient=order.patient,
        order=order,
        effective_date=today - days_ago * DAY,
        reason=reason,
        **new_values,
    )


def _adherence(
    observer: User, order: MedicationOrder, today: datetime.date, entries: list[tuple[int, str, str]]
) -> None:
    for days_ago, status, notes in entries:
        services.adherence_record(
            actor=observer,
            patient=order.patient,
            order=order,
            observed_on=today - days_ago * DAY,
            status=status,
            notes=notes,
        )


def _jordan(staff: dict[str, User], patient: Patient, today: datetime.date) -> None:
    """Recurrent depression: sertraline 50 mg, raised to 100 mg after a partial response."""
    priya, theo, carmen = staff["psychiatrist"], staff["therapist"], staff["casemanager"]
    first = _start(
        priya,
        patient,
        today,
        150,
        drug_name="Sertraline",
        drug_class="ssri",
        dose=Decimal("50"),
        unit="mg",
        route="oral",
        frequency="once_daily",
        indication="Major depressive disorder, recurrent",
    )
    _adherence(
        carmen,
        first,
        today,
        [(140, "taken", "Pill organiser in use"), (120, "partial", "Forgot doses on night shifts")],
    )
    nausea = services.side_effect_report(
        actor=theo,
        patient=patient,
        order=first,
        symptom="Nausea in the first weeks",
        severity="mild",
        onset_date=today - 145 * DAY,
    )
    services.side_effect_status_update(actor=priya, patient=patient, report=nausea, status="acknowledged")
    services.side_effect_status_update(actor=priya, patient=patient, report=nausea, status="resolved")
    current = _change(priya, first, today, 100, dose=Decimal("100"))
    _adherence(
        theo, current, today, [(70, "taken", ""), (35, "missed", "Ran out before refill"), (7, "taken", "")]
    )
    services.side_effect_report(
        actor=theo,
        patient=patient,
        order=current,
        symptom="Reduced libido",
        severity="moderate",
        onset_date=today - 40 * DAY,
        notes="Raised in session; patient wants to discuss options",
    )


def _sam(staff: dict[str, User], patient: Patient, today: datetime.date) -> None:
    """Generalised anxiety and insomnia: escitalopram titrated up; a short course of
    hydroxyzine for sleep, stopped when sleep improved."""
    priya, theo, carmen = staff["psychiatrist"], staff["therapist"], staff["casemanager"]
    first = _start(
        priya,
        patient,
        today,
        90,
        drug_name="Escitalopram",
        drug_class="ssri",
        dose=Decimal("10"),
        unit="mg",
        route="oral",
        frequency="once_daily",
        indication="Generalised anxiety disorder",
    )
    current = _change(priya, first, today, 45, dose=Decimal("20"))
    hydroxyzine = _start(
        priya,
        patient,
        today,
        88,
        drug_name="Hydroxyzine",
        drug_class="anxiolytic",
        dose=Decimal("25"),
        unit="mg",
        route="oral",
        frequency="at_bedtime",
        indication="Insomnia",
    )
    services.medication_order_discontinue(
        actor=priya,
        patient=patient,
        order=hydroxyzine,
        reason="Sleep improved with CBT-I; no longer needed",
        effective_date=today - 30 * DAY,
    )
    _adherence(carmen, first, today, [(60, "taken", "")])
    _adherence(
        theo, current, today, [(21, "taken", ""), (5, "partial", "Stopped for two days before an exam")]
    )
    services.side_effect_report(
        actor=theo,
        patient=patient,
        order=current,
        symptom="Restlessness and jitteriness",
        severity="mild",
        onset_date=today - 40 * DAY,
    )


def _riley(staff: dict[str, User], patient: Patient, today: datetime.date) -> None:
    """Bipolar II, depressed: lamotrigine titrated 25 → 50 → 100 → 200 mg; quetiapine tried at
    first and stopped for daytime sedation."""
    priya, theo, carmen = staff["psychiatrist"], staff["therapist"], staff["casemanager"]
    quetiapine = _start(
        priya,
        patient,
        today,
        160,
        drug_name="Quetiapine",
        drug_class="antipsychotic",
        dose=Decimal("50"),
        unit="mg",
        route="oral",
        frequency="at_bedtime",
        indication="Bipolar II depression",
    )
    sedation = services.side_effect_report(
        actor=carmen,
        patient=patient,
        order=quetiapine,
        symptom="Daytime sedation",
        severity="moderate",
        onset_date=today - 150 * DAY,
        notes="Missing mornings at the job club",
    )
    services.side_effect_status_update(actor=priya, patient=patient, report=sedation, status="acknowledged")
    services.medication_order_discontinue(
        actor=priya,
        patient=patient,
        order=quetiapine,
        reason="Daytime sedation; switching to lamotrigine",
        effective_date=today - 126 * DAY,
    )
    services.side_effect_status_update(actor=carmen, patient=patient, report=sedation, status="resolved")
    order = _start(
        priya,
        patient,
        today,
        126,
        drug_name="Lamotrigine",
        drug_class="mood_stabilizer",
        dose=Decimal("25"),
        unit="mg",
        route="oral",
        frequency="once_daily",
        indication="Bipolar II depression",
    )
    for days_ago, dose in ((112, "50"), (98, "100"), (84, "200")):
        order = _change(priya, order, today, days_ago, dose=Decimal(dose))
    _adherence(
        theo, order, today, [(60, "taken", ""), (30, "taken", ""), (10, "missed", "Low week, stayed in bed")]
    )
    services.side_effect_report(
        actor=theo,
        patient=patient,
        order=order,
        symptom="Mild headaches",
        severity="mild",
        onset_date=today - 80 * DAY,
    )


SEEDERS = (_jordan, _sam, _riley)


def seed(*, staff: dict[str, User], patients: list[Patient], today: datetime.date) -> None:
    """Called by `manage.py seed_demo` with the demo patients it has just created."""
    for seeder, patient in zip(SEEDERS, patients, strict=False):
        if patient.team_members.filter(user=staff["psychiatrist"]).exists():
            seeder(staff, patient, today)
