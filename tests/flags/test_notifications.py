"""The inbox: own notifications only, newest first, unread count, read state; no PHI leaves."""

import datetime
import json
import logging

import time_machine
from django.core import mail
from django.urls import reverse

from flags.models import Notification
from flags.tasks import deliver_flag_event
from tests.careteam.factories import PASSWORD
from tests.flags.factories import delivered_flag
from tests.patients.factories import make_patient


def test_api_lists_own_notifications_newest_first(world, api_client):
    first = delivered_flag(patient=world.patient, by=world.therapist)
    second = delivered_flag(
        patient=world.patient,
        by=world.therapist,
        category="safety",
        severity="urgent",
        message="Plan to harm",
    )
    body = api_client(world.psychiatrist).get("/api/v1/notifications/").json()
    assert [row["flag"] for row in body["results"]] == [second.pk, first.pk]
    row = body["results"][0]
    assert set(row) >= {"id", "flag", "patient", "action_required", "read", "created"}
    assert row["patient"] == world.patient.pk and row["action_required"] is True
    assert row["read"] is False
    assert api_client(world.outsider).get("/api/v1/notifications/").json()["count"] == 0


def test_marking_read(world, api_client):
    delivered_flag(patient=world.patient, by=world.therapist)
    note = Notification.objects.get(recipient=world.case_manager, channel="in_app")
    assert (
        api_client(world.psychiatrist).post(f"/api/v1/notifications/{note.pk}/read/").status_code == 404
    )  # not hers
    response = api_client(world.case_manager).post(f"/api/v1/notifications/{note.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert api_client(world.case_manager).get("/api/v1/notifications/?unread=true").json()["count"] == 0


def test_inbox_page_and_header_count(world, page_client):
    delivered_flag(patient=world.patient, by=world.therapist)
    client = page_client(world.psychiatrist)
    page = client.get(reverse("notifications_inbox")).content.decode()
    assert "Action needed" in page and "Jordan Avery" in page and "Unread" in page
    header = client.get(reverse("patient_list")).content.decode()
    assert 'aria-label="1 unread"' in header
    poll = client.get(reverse("notifications_unread_count"))
    assert poll.status_code == 200 and 'aria-label="1 unread"' in poll.content.decode()


def test_polling_the_count_does_not_keep_an_idle_session_alive(world, client):
    start = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "priya", "password": PASSWORD})
        for _ in range(3):  # a page left open keeps polling
            clock.shift(datetime.timedelta(minutes=4))
            assert client.get(reverse("notifications_unread_count")).status_code == 200
        clock.shift(datetime.timedelta(minutes=4))
        poll = client.get(reverse("notifications_unread_count"))
        response = client.get(reverse("patient_list"))  # 16 minutes after the last real request
    assert poll.status_code == 204 and poll["HX-Redirect"] == reverse("login")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_no_patient_data_in_task_arguments_emails_or_logs(
    world, caplog, monkeypatch, django_capture_on_commit_callbacks, celery_eager, api_client
):
    canary = make_patient(
        actor=world.admin,
        first_name="Zebediah",
        last_name="Quuxcanary",
        record_number="MRN-CANARY-9",
        team=[(world.therapist, "therapist"), (world.psychiatrist, "psychiatrist")],
    )
    published = []
    original = deliver_flag_event.apply_async

    def spy(args=None, kwargs=None, **options):
        published.append({"args": args, "kwargs": kwargs})
        return original(args=args, kwargs=kwargs, **options)

    monkeypatch.setattr(deliver_flag_event, "apply_async", spy)
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(world.therapist).post(
            f"/api/v1/patients/{canary.pk}/flags/",
            {"category": "safety", "severity": "urgent", "message": "Zebediah Quuxcanary said he has a plan"},
            format="json",
        )
    assert response.status_code == 201
    assert published and all(isinstance(a, int) for p in published for a in p["args"])
    assert mail.outbox, "the urgent flag must have been emailed"
    sent = json.dumps([[m.subject, m.body, m.alternatives[0][0], m.to] for m in mail.outbox])
    logs = "\n".join(record.getMessage() for record in caplog.records)
    for text in (sent, json.dumps(published), logs):
        for secret in ("Zebediah", "Quuxcanary", "MRN-CANARY-9", "has a plan"):
            assert secret not in text
    assert f"/flags/{response.json()['id']}/" in mail.outbox[0].body
