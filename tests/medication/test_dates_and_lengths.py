"""Dates and sizes (API.md "Robustness"): order start and stop dates, onset dates and
observation dates are neither before Jordan's birth nor in the future (a planned end date may
lie ahead); free text has stated maximum lengths. Each is 400 on its field, nothing written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from medication.models import AdherenceObservation, MedicationOrder, SideEffectReport
from tests.medication.factories import make_order

DAY = datetime.timedelta(days=1)


def rows():
    return (
        MedicationOrder.objects.count(),
        AdherenceObservation.objects.count(),
        SideEffectReport.objects.count(),
        AuditEvent.objects.filter(action__in=["create", "update"]).count(),
    )


def new_order(**overrides):
    data = {
        "drug_name": "Sertraline",
        "dose": "50",
        "unit": "mg",
        "route": "oral",
        "frequency": "once_daily",
        "start_date": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def before_birth(world):
    return (world.patient.date_of_birth - DAY).isoformat()


def tomorrow():
    return (timezone.localdate() + DAY).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_date": "BIRTH"}, "start_date", "before the patient's date of birth"),
        ({"start_date": "TOMORROW"}, "start_date", "cannot be in the future"),
        ({"start_date": "1899-12-31"}, "start_date", "between 1900-01-01 and 2100-12-31"),
        ({"end_date": "2101-01-01"}, "end_date", "between 1900-01-01 and 2100-12-31"),
        ({"indication": "i" * 201}, "indication", "200"),
        ({"override_reason": "o" * 501}, "override_reason", "500"),
    ],
)
def test_bad_order_dates_and_lengths_are_400_api_and_page(
    world, api_client, page_client, overrides, field, message
):
    resolved = {
        key: before_birth(world) if value == "BIRTH" else tomorrow() if value == "TOMORROW" else value
        for key, value in overrides.items()
    }
    before = rows()
    api = api_client(world.psychiatrist).post(
        reverse("api_medication_order_list", args=[world.patient.pk]), new_order(**resolved), format="json"
    )
    assert api.status_code == 400 and any(message in m for m in api.json()[field]), api.json()
    page = page_client(world.psychiatrist).post(
        reverse("medication_order_create", args=[world.patient.pk]), new_order(**resolved)
    )
    assert page.status_code == 400 and field in page.context["form"].errors
    assert rows() == before


def test_a_planned_end_date_may_lie_ahead(world, api_client):
    ahead = (timezone.localdate() + 30 * DAY).isoformat()
    made = api_client(world.psychiatrist).post(
        reverse("api_medication_order_list", args=[world.patient.pk]),
        new_order(end_date=ahead),
        format="json",
    )
    assert made.status_code == 201 and made.json()["end_date"] == ahead


def test_a_change_or_stop_with_a_long_reason_or_a_future_date_is_400(world, api_client):
    order = make_order(world)
    url = reverse("api_medication_order_detail", args=[world.patient.pk, order.pk])
    priya = api_client(world.psychiatrist)
    before = rows()
    for data, field in [
        ({"dose": "100", "reason": "r" * 501}, "reason"),
        ({"dose": "100", "reason": "ok", "effective_date": tomorrow()}, "effective_date"),
        ({"status": "discontinued", "reason": "r" * 501}, "reason"),
        ({"status": "discontinued", "reason": "ok", "effective_date": tomorrow()}, "effective_date"),
    ]:
        response = priya.patch(url, data, format="json")
        assert response.status_code == 400 and field in response.json(), (data, response.json())
    assert rows() == before


@pytest.mark.parametrize(
    ("collection", "field", "extra"),
    [
        ("adherence", "observed_on", {"status": "taken"}),
        ("side-effects", "onset_date", {"symptom": "Nausea", "severity": "mild"}),
    ],
)
def test_adherence_and_side_effect_dates_and_notes(world, api_client, collection, field, extra):
    order = make_order(world)
    url = f"/api/v1/patients/{world.patient.pk}/{collection}/"
    theo = api_client(world.therapist)
    ok_day = (order.start_date + DAY).isoformat()
    before = rows()
    for value, message in [
        (before_birth(world), "before"),
        (tomorrow(), "future"),
        ("1899-12-31", "between 1900-01-01 and 2100-12-31"),
    ]:
        response = theo.post(url, {"order": order.pk, field: value, **extra}, format="json")
        assert response.status_code == 400 and message in response.json()[field][0], response.json()
    long_notes = theo.post(
        url, {"order": order.pk, field: ok_day, "notes": "n" * 2001, **extra}, format="json"
    )
    assert long_notes.status_code == 400 and "notes" in long_notes.json()
    if collection == "side-effects":
        long_symptom = theo.post(
            url, {"order": order.pk, field: ok_day, **extra, "symptom": "s" * 201}, format="json"
        )
        assert long_symptom.status_code == 400 and "symptom" in long_symptom.json()
    assert rows() == before
    fine = theo.post(url, {"order": order.pk, field: ok_day, "notes": "n" * 2000, **extra}, format="json")
    assert fine.status_code == 201
