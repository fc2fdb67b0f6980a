"""Progress notes: written by the therapist on the team, read by the whole care team."""

import pytest
from django.urls import reverse

from careteam.models import AuditEvent
from tests.therapy.factories import make_session
from therapy.models import ProgressNote
from therapy.services import progress_note_create


def url(world):
    return f"/api/v1/patients/{world.patient.pk}/progress-notes/"


def test_therapist_writes_about_a_session_and_the_team_reads_it(world, api_client, page_client):
    session = make_session(actor=world.therapist, patient=world.patient)
    response = api_client(world.therapist).post(
        url(world), {"text": "Completed thought record; mood 6/10.", "session": session.pk}, format="json"
    )
    assert response.status_code == 201
    note = ProgressNote.objects.get()
    assert (note.author, note.session, note.patient) == (world.therapist, session, world.patient)
    for user in (world.psychiatrist, world.case_manager):
        body = api_client(user).get(url(world)).json()
        assert [r["text"] for r in body["results"]] == ["Completed thought record; mood 6/10."]
        assert body["results"][0]["author_name"] == "Theo Rivera"
        page = page_client(user).get(reverse("therapy_overview", args=[world.patient.pk]))
        assert "Completed thought record; mood 6/10." in page.content.decode()
    reads = AuditEvent.objects.filter(object_type="progressnote", action="list", object_id=str(note.pk))
    assert {e.actor for e in reads} == {world.psychiatrist, world.case_manager}


@pytest.mark.parametrize("who", ["psychiatrist", "case_manager"])
def test_only_the_therapist_writes_them(world, api_client, page_client, who):
    user = getattr(world, who)
    assert api_client(user).post(url(world), {"text": "x"}, format="json").status_code == 403
    assert (
        page_client(user)
        .post(reverse("therapy_progress_note_create", args=[world.patient.pk]), {"text": "x"})
        .status_code
        == 403
    )
    assert not ProgressNote.objects.exists()


def test_outsider_and_admin_get_404(world, api_client):
    progress_note_create(actor=world.therapist, patient=world.patient, text="Seen today.")
    for user in (world.outsider, world.admin):
        api = api_client(user)
        assert api.get(url(world)).status_code == 404
        assert api.post(url(world), {"text": "x"}, format="json").status_code == 404
    assert ProgressNote.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"text": ""}, "text", "Write the note."),
        ({"text": "  \n "}, "text", "Write the note."),
        ({"text": "ok", "session": 999999}, "session", "This patient has no such therapy session."),
    ],
)
def test_bad_input_writes_nothing(world, api_client, payload, field, message):
    before = ProgressNote.objects.count(), AuditEvent.objects.filter(action="create").count()
    response = api_client(world.therapist).post(url(world), payload, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert (ProgressNote.objects.count(), AuditEvent.objects.filter(action="create").count()) == before


def test_a_session_of_another_patient_cannot_be_referenced(world, api_client, page_client):
    theirs = make_session(actor=world.outsider, patient=world.other_patient)
    response = api_client(world.therapist).post(
        url(world), {"text": "ok", "session": theirs.pk}, format="json"
    )
    assert response.status_code == 400 and "session" in response.json()
    page = page_client(world.therapist).post(
        reverse("therapy_progress_note_create", args=[world.patient.pk]),
        {"text": "ok", "session": str(theirs.pk)},
    )
    assert page.status_code == 400 and "session" in page.context["form"].errors
    assert not ProgressNote.objects.exists()


def test_page_form_adds_a_note(world, page_client):
    session = make_session(actor=world.therapist, patient=world.patient)
    response = page_client(world.therapist).post(
        reverse("therapy_progress_note_create", args=[world.patient.pk]),
        {"text": "Discussed relapse signature.", "session": str(session.pk)},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Progress note added." in body and "Discussed relapse signature." in body
    assert ProgressNote.objects.get().session == session
    empty = page_client(world.therapist).post(
        reverse("therapy_progress_note_create", args=[world.patient.pk]), {"text": ""}
    )
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    assert ProgressNote.objects.count() == 1


def test_another_patients_note_is_not_found(world, api_client):
    theirs = progress_note_create(actor=world.outsider, patient=world.other_patient, text="x")
    assert api_client(world.therapist).get(f"{url(world)}{theirs.pk}/").status_code == 404
