"""Reading a notification leaves an audit row with ids only: who read it, which notification,
whose patient — on the page and in the API, one by one and all at once. Nothing of the flag's
message or the patient's name is in the row."""

from django.urls import reverse

from careteam.models import AuditEvent
from flags.models import Notification
from tests.flags.factories import delivered_flag

MESSAGE = "Tremor since the dose went up"


def _priyas(world):
    flag = delivered_flag(patient=world.patient, by=world.therapist, message=MESSAGE)
    return Notification.objects.get(flag=flag, recipient=world.psychiatrist, channel="in_app")


def _read_rows(world):
    return AuditEvent.objects.filter(actor=world.psychiatrist, object_type="notification")


def _ids_only(row, world, note):
    assert (row.action, row.object_id, row.patient_id, row.actor_id) == (
        "view",
        str(note.pk),
        world.patient.pk,
        world.psychiatrist.pk,
    )
    assert row.changes == {}
    text = repr(row.__dict__)
    for phi in [MESSAGE, world.patient.first_name, world.patient.last_name, world.patient.record_number]:
        assert phi not in text


def test_reading_a_notification_in_the_api_is_audited_with_ids_only(world, api_client):
    note = _priyas(world)
    response = api_client(world.psychiatrist).post(f"/api/v1/notifications/{note.pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    [row] = _read_rows(world)
    _ids_only(row, world, note)


def test_reading_a_notification_on_the_page_is_audited_with_ids_only(world, page_client):
    note = _priyas(world)
    response = page_client(world.psychiatrist).post(reverse("notification_read", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    [row] = _read_rows(world)
    _ids_only(row, world, note)


def test_read_all_audits_each_notification_marked(world, api_client, page_client):
    first = _priyas(world)
    second = _priyas(world)
    response = api_client(world.psychiatrist).post("/api/v1/notifications/read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    rows = sorted(_read_rows(world), key=lambda row: int(row.object_id))
    assert len(rows) == 2
    _ids_only(rows[0], world, first)
    _ids_only(rows[1], world, second)
    # Nothing unread any more: the page's "mark all read" marks and audits nothing.
    assert page_client(world.psychiatrist).post(reverse("notifications_read_all")).status_code == 302
    assert _read_rows(world).count() == 2
    third = _priyas(world)
    assert page_client(world.psychiatrist).post(reverse("notifications_read_all")).status_code == 302
    assert [row.object_id for row in _read_rows(world).order_by("pk")][-1] == str(third.pk)


def test_someone_elses_notification_is_404_and_audits_no_read(world, api_client):
    note = _priyas(world)
    assert api_client(world.case_manager).post(f"/api/v1/notifications/{note.pk}/read/").status_code == 404
    assert not AuditEvent.objects.filter(object_type="notification").exists()
    note.refresh_from_db()
    assert note.read_at is None
