"""The database holds the medication invariants even when the services are bypassed."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from medication.models import MedicationOrder, SideEffectReport, format_dose
from tests.medication.factories import make_order, make_side_effect

DAY = datetime.timedelta(days=1)


def _raw_order(world, **overrides) -> MedicationOrder:
    fields = {
        "patient": world.patient,
        "drug_name": "Raw",
        "drug_class": "ssri",
        "dose": Decimal("10"),
        "unit": "mg",
        "route": "oral",
        "frequency": "once_daily",
        "start_date": timezone.localdate(),
        "prescriber": world.psychiatrist,
    }
    fields.update(overrides)
    return MedicationOrder(**fields)


@pytest.mark.parametrize(
    "overrides",
    [
        {"dose": Decimal("0")},
        {"dose": Decimal("-1")},
        {"end_date": timezone.localdate() - DAY},
        {"status": "changed"},  # ended without an end date
        {"status": "discontinued", "end_date": timezone.localdate()},  # without a reason
        {"drug_class": "tricyclic"},
        {"unit": "drops"},
        {"route": "nasal"},
        {"frequency": "hourly"},
        {"status": "paused"},
    ],
)
def test_order_constraints(world, overrides):
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_order(world, **overrides).save()
    assert not MedicationOrder.objects.filter(drug_name="Raw").exists()


def test_one_active_order_per_drug_and_one_successor_per_order(world):
    order = make_order(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_order(world, drug_name="SERTRALINE").save()
    _raw_order(world, drug_name="First successor", supersedes=order).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_order(world, drug_name="Second successor", supersedes=order).save()


def test_side_effect_status_needs_its_timestamp(world):
    report = make_side_effect(world)
    for status in ("acknowledged", "resolved"):
        with pytest.raises(IntegrityError), transaction.atomic():
            SideEffectReport.objects.filter(pk=report.pk).update(status=status)


def test_str_holds_no_patient_data(world):
    order = make_order(world)
    report = make_side_effect(world, order=order)
    for text in (str(order), str(report)):
        assert "Sertraline" not in text and "Avery" not in text and "Nausea" not in text


def test_dose_display():
    assert format_dose(Decimal("50.000"), "mg") == "50 mg"
    assert format_dose(Decimal("0.125"), "mg") == "0.125 mg"
    assert format_dose(Decimal("100"), "mcg") == "100 mcg"
