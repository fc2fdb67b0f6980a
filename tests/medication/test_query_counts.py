"""Medication lists cost the same number of queries for 5 rows as for 50."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from medication import services
from tests.medication.factories import make_adherence, make_order, make_side_effect

DAY = datetime.timedelta(days=1)


def _queries(client, url: str) -> int:
    client.get(url)  # warm: the first request of a fresh session also saves that session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(world, start: int, stop: int) -> None:
    """Orders n in [start, stop): every other one changed once (a chain in the history), each
    with an adherence observation and a side-effect report."""
    today = timezone.localdate()
    for n in range(start, stop):
        order = make_order(
            world, drug_name=f"Drug {n}", override_reason="A test series", start_date=today - 40 * DAY
        )
        if n % 2:
            order = services.medication_order_change(
                reason="Clinical review",
                actor=world.psychiatrist,
                patient=world.patient,
                order=order,
                dose=Decimal("75"),
                effective_date=today - 10 * DAY,
            )
        make_adherence(world, order=order)
        make_side_effect(world, order=order)


def _rows(response, url: str) -> int:
    if url.startswith("/api/"):
        return len(response.json()["results"])
    context = response.context
    if "history" in context:
        return len(context["history"].object_list)
    return len(context["side_effects"])


@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("therapist", "medication_page"),  # current list, history, adherence, side effects
        ("psychiatrist", "patient_detail"),  # the medication section: current, timeline, open
        ("case_manager", "api_medication_order_list"),  # the history
        ("case_manager", "api_adherence_list"),
        ("therapist", "api_side_effect_list"),
    ],
)
def test_same_query_count_for_5_and_50_rows(world, page_client, api_client, who, name):
    url = reverse(name, args=[world.patient.pk])
    user = getattr(world, who)
    client = api_client(user) if url.startswith("/api/") else page_client(user)
    _grow(world, 0, 5)
    small = _queries(client, url)
    _grow(world, 5, 50)
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries for 5 orders, {large} for 50"
    response = client.get(url)
    assert _rows(response, url) >= (10 if name == "patient_detail" else 50)


def test_current_list_query_count_is_fixed(world, api_client):
    url = reverse("api_medication_order_list", args=[world.patient.pk]) + "?status=active"
    client = api_client(world.therapist)
    _grow(world, 0, 5)
    small = _queries(client, url)
    _grow(world, 5, 50)
    assert _queries(client, url) == small
    assert client.get(url).json()["count"] == 50
