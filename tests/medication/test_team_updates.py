"""Starting, changing and stopping an order tells the rest of Jordan's care team (Theo and
Carmen) in the app, for information; Priya, who made the change, is not told."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from flags.models import Notification, OutboxMessage
from medication import services
from tests.medication.factories import make_order
from tests.processes import wait_for


def told(world, summary):
    return {
        n.recipient.username
        for n in Notification.objects.filter(kind="medication", summary=summary).select_related("recipient")
    }


def test_start_change_and_stop_reach_the_therapist_and_case_manager(
    world, django_capture_on_commit_callbacks, celery_eager
):
    page = reverse("medication_page", args=[world.patient.pk])
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(world)
    assert told(world, "Sertraline 50 mg started") == {"theo", "carmen"}
    with django_capture_on_commit_callbacks(execute=True):
        newer = services.medication_order_change(
            actor=world.psychiatrist,
            patient=world.patient,
            order=order,
            dose=Decimal("100"),
            reason="Partial response",
        )
    assert told(world, "Sertraline: dose changed from 50 mg to 100 mg") == {"theo", "carmen"}
    with django_capture_on_commit_callbacks(execute=True):
        services.medication_order_discontinue(
            actor=world.psychiatrist, patient=world.patient, order=newer, reason="Remission"
        )
    assert told(world, "Sertraline stopped") == {"theo", "carmen"}
    notes = Notification.objects.filter(kind="medication")
    assert notes.count() == 6
    assert not notes.filter(recipient=world.psychiatrist).exists()
    assert all(n.link == page and not n.action_required and n.channel == "in_app" for n in notes)
    assert sorted(set(notes.values_list("subject_id", flat=True))) == [order.pk, newer.pk]


def test_a_refused_order_tells_nobody(world, api_client, django_capture_on_commit_callbacks, celery_eager):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(world.psychiatrist).post(
            reverse("api_medication_order_list", args=[world.patient.pk]),
            {
                "drug_name": "Sertraline",
                "dose": "500",
                "unit": "mg",
                "route": "oral",
                "frequency": "once_daily",
                "start_date": timezone.localdate().isoformat(),
            },
            format="json",
        )
    assert response.status_code == 400
    assert not OutboxMessage.objects.exists() and not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_dose_change_reaches_the_therapist_through_a_live_worker(world, live_celery_worker, api_client):
    order = make_order(world, start_date=timezone.localdate() - datetime.timedelta(days=10))
    response = api_client(world.psychiatrist).patch(
        reverse("api_medication_order_detail", args=[world.patient.pk, order.pk]),
        {"dose": "100", "reason": "Partial response"},
        format="json",
    )
    assert response.status_code == 200
    summary = "Sertraline: dose changed from 50 mg to 100 mg"
    wait_for(
        lambda: Notification.objects.filter(summary=summary).count() == 2, timeout=30, what="the team update"
    )
    assert told(world, summary) == {"theo", "carmen"}
    inbox = api_client(world.therapist).get("/api/v1/notifications/").json()["results"]
    assert summary in [n["summary"] for n in inbox]
    assert summary not in [
        n["summary"] for n in api_client(world.psychiatrist).get("/api/v1/notifications/").json()["results"]
    ]
