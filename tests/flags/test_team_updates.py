"""Team updates: a change one member makes reaches the rest of the team in the app, for
information, exactly once (through the outbox, like flags)."""

from django.urls import reverse

from flags import services
from flags.models import Notification, OutboxMessage


def _update(world):
    return services.team_update(
        actor=world.psychiatrist,
        patient=world.patient,
        kind="medication",
        subject_id=41,
        summary="Sertraline: dose changed from 50 mg to 100 mg",
        link=reverse("medication_page", args=[world.patient.pk]),
    )


def test_everyone_else_on_the_team_is_told_once(world, django_capture_on_commit_callbacks, celery_eager):
    with django_capture_on_commit_callbacks(execute=True):
        outbox = _update(world)
    notes = Notification.objects.filter(outbox=outbox)
    assert {n.recipient for n in notes} == {world.therapist, world.case_manager}
    assert all(n.kind == "medication" and not n.action_required and n.channel == "in_app" for n in notes)
    assert OutboxMessage.objects.get(pk=outbox.pk).delivered_at is not None
    # Delivered again (a redelivered task, the beat job): nothing new.
    OutboxMessage.objects.filter(pk=outbox.pk).update(delivered_at=None)
    assert services.flag_event_deliver(outbox_id=outbox.pk) == 0
    assert notes.count() == 2


def test_the_inbox_and_the_api_show_what_changed(
    world, page_client, api_client, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        _update(world)
    body = page_client(world.therapist).get(reverse("notifications_inbox")).content.decode()
    assert "Medication change</a>: Sertraline: dose changed from 50 mg to 100 mg" in body
    assert "For information" in body
    row = api_client(world.case_manager).get("/api/v1/notifications/").json()["results"][0]
    assert row["kind"] == "medication" and row["flag"] is None and row["subject"] == 41
    assert row["summary"].startswith("Sertraline") and row["action_required"] is False
    assert api_client(world.psychiatrist).get("/api/v1/notifications/").json()["count"] == 0


def test_no_email_is_sent_for_a_team_update(
    world, mailoutbox, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        _update(world)
    assert mailoutbox == []
    assert not Notification.objects.filter(channel="email").exists()
