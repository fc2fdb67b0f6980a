"""Medication records for tests, made through the services (as a user would make them)."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medication import services
from medication.models import AdherenceObservation, MedicationOrder, SideEffectReport


def make_order(world: Any, *, patient=None, actor=None, **overrides: Any) -> MedicationOrder:
    """An active order prescribed by the world's psychiatrist (sertraline 50 mg unless told)."""
    fields: dict[str, Any] = {
        "drug_name": "Sertraline",
        "drug_class": "ssri",
        "dose": Decimal("50"),
        "unit": "mg",
        "route": "oral",
        "frequency": "once_daily",
        "start_date": timezone.localdate() - datetime.timedelta(days=30),
        "indication": "Depression",
    }
    fields.update(overrides)
    return services.medication_order_create(
        actor=actor or world.psychiatrist, patient=patient or world.patient, **fields
    )


def make_side_effect(
    world: Any, *, order: MedicationOrder | None = None, actor=None, **overrides: Any
) -> SideEffectReport:
    order = order or make_order(world)
    fields: dict[str, Any] = {
        "symptom": "Nausea",
        "severity": "mild",
        "onset_date": order.start_date + datetime.timedelta(days=2),
    }
    fields.update(overrides)
    return services.side_effect_report(
        actor=actor or world.therapist, patient=order.patient, order=order, **fields
    )


def make_adherence(
    world: Any, *, order: MedicationOrder, actor=None, **overrides: Any
) -> AdherenceObservation:
    fields: dict[str, Any] = {"observed_on": order.start_date, "status": "taken"}
    fields.update(overrides)
    return services.adherence_record(
        actor=actor or world.case_manager, patient=order.patient, order=order, **fields
    )
