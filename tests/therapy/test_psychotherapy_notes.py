"""Psychotherapy notes are their author's alone.

Theo writes one about Jordan. Nobody else sees it or learns it exists: not Priya
(psychiatrist), Carmen (case manager), Nick (another therapist on Jordan's team), Ada (admin)
or Olivia (outsider) — on any psychotherapy-note route, the therapy page, the patient page or
any list. Every access is audited, with ids only.
"""

import pytest
from django.urls import reverse

from careteam.models import AuditEvent
from careteam.roles import Role
from patients.services import care_team_add
from tests.therapy.factories import make_assessment, make_course, make_session
from therapy.models import PsychotherapyNote

SECRET = "Dream about the flooded house; shame around father"


@pytest.fixture
def note(world):
    from therapy.services import psychotherapy_note_create

    # Some ordinary therapy records too, so the pages and lists below have content.
    course = make_course(actor=world.therapist, patient=world.patient)
    make_session(actor=world.therapist, patient=world.patient, course=course)
    make_assessment(actor=world.therapist, patient=world.patient)
    return psychotherapy_note_create(actor=world.therapist, patient=world.patient, text=SECRET)


@pytest.fixture
def second_therapist(world):
    """Nick joins Jordan's care team as a second therapist."""
    care_team_add(actor=world.admin, patient=world.patient, user=world.newcomer, role=Role.THERAPIST)
    return world.newcomer


def api_list(world):
    return f"/api/v1/patients/{world.patient.pk}/psychotherapy-notes/"


def page_list(world):
    return reverse("therapy_psychotherapy_note_list", args=[world.patient.pk])


def test_the_author_writes_lists_and_reads_their_note(world, api_client, page_client, note):
    api = api_client(world.therapist)
    listing = api.get(api_list(world)).json()
    assert listing["count"] == 1 and listing["results"][0]["text"] == SECRET
    assert api.get(f"{api_list(world)}{note.pk}/").json()["text"] == SECRET
    browser = page_client(world.therapist)
    assert SECRET in browser.get(page_list(world)).content.decode()
    detail = browser.get(reverse("therapy_psychotherapy_note_detail", args=[world.patient.pk, note.pk]))
    assert detail.status_code == 200 and SECRET in detail.content.decode()

    created = api.post(api_list(world), {"text": "Second note"}, format="json")
    assert created.status_code == 201 and created.json()["author"] == world.therapist.pk
    page = browser.post(
        reverse("therapy_psychotherapy_note_create", args=[world.patient.pk]), {"text": "Third note"}
    )
    assert page.status_code == 302
    assert PsychotherapyNote.objects.filter(author=world.therapist).count() == 3


@pytest.mark.parametrize("payload", [{"text": ""}, {"text": "   "}, {}])
def test_an_empty_note_is_refused(world, api_client, page_client, payload):
    before = PsychotherapyNote.objects.count()
    response = api_client(world.therapist).post(api_list(world), payload, format="json")
    assert response.status_code == 400 and list(response.json()) == ["text"]
    page = page_client(world.therapist).post(
        reverse("therapy_psychotherapy_note_create", args=[world.patient.pk]), payload
    )
    assert page.status_code == 400 and "text" in page.context["form"].errors
    assert PsychotherapyNote.objects.count() == before


# Status each other person gets on the note's own routes: (API list, API detail, page list,
# page detail). 403: their role may not keep psychotherapy notes at all; 404: not theirs (or
# not their patient).
OTHERS = {
    "psychiatrist": (403, 404, 403, 404),
    "case_manager": (403, 404, 403, 404),
    "second_therapist": (200, 404, 200, 404),
    "admin": (404, 404, 404, 404),
    "outsider": (404, 404, 404, 404),
}


def _user(world, request, who):
    return request.getfixturevalue("second_therapist") if who == "second_therapist" else getattr(world, who)


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_reaches_the_note(world, api_client, page_client, note, request, who):
    user = _user(world, request, who)
    api, browser = api_client(user), page_client(user)
    detail_page = reverse("therapy_psychotherapy_note_detail", args=[world.patient.pk, note.pk])
    responses = [
        api.get(api_list(world)),
        api.get(f"{api_list(world)}{note.pk}/"),
        browser.get(page_list(world)),
        browser.get(detail_page),
    ]
    assert tuple(r.status_code for r in responses) == OTHERS[who]
    for response in responses:
        assert SECRET not in response.content.decode()
    if who == "second_therapist":
        # Nick has his own (empty) list: not even a count of Theo's notes.
        assert responses[0].json()["count"] == 0
        assert "You have no psychotherapy notes on this patient." in responses[2].content.decode()


@pytest.mark.parametrize("who", OTHERS)
def test_the_note_is_in_no_other_page_or_list(world, api_client, page_client, note, request, who):
    user = _user(world, request, who)
    api, browser = api_client(user), page_client(user)
    pid = world.patient.pk
    pages = [
        reverse("patient_detail", args=[pid]),
        reverse("therapy_overview", args=[pid]),
        reverse("patient_list"),
        reverse("audit_log"),
    ]
    apis = [
        f"/api/v1/patients/{pid}/{path}"
        for path in (
            "",
            "therapy-sessions/",
            "therapy-courses/",
            "progress-notes/",
            "assessments/",
            "care-plan/",
        )
    ] + ["/api/v1/patients/", "/api/v1/audit/"]
    for url in pages + apis:
        response = (api if url.startswith("/api/") else browser).get(url)
        body = response.content.decode()
        assert SECRET not in body, url
        assert f"psychotherapy-notes/{note.pk}/" not in body, url


def test_the_author_does_not_see_it_outside_their_own_note_pages(world, page_client, note):
    browser = page_client(world.therapist)
    for url in (
        reverse("patient_detail", args=[world.patient.pk]),
        reverse("therapy_overview", args=[world.patient.pk]),
    ):
        assert SECRET not in browser.get(url).content.decode()


def test_the_author_cannot_see_another_therapists_note(world, api_client, note, second_therapist):
    from therapy.services import psychotherapy_note_create

    nicks = psychotherapy_note_create(
        actor=second_therapist, patient=world.patient, text="Nick's private formulation"
    )
    theo = api_client(world.therapist)
    assert theo.get(f"{api_list(world)}{nicks.pk}/").status_code == 404
    assert [n["id"] for n in theo.get(api_list(world)).json()["results"]] == [note.pk]


def _events(**filters):
    return AuditEvent.objects.filter(object_type="psychotherapynote", **filters)


def test_every_access_is_audited_with_ids_only(world, api_client, page_client, request):
    api, browser = api_client(world.therapist), page_client(world.therapist)
    created = api.post(api_list(world), {"text": SECRET}, format="json").json()
    note_id = str(created["id"])
    assert _events(action="create", object_id=note_id, actor=world.therapist).count() == 1

    browser.post(reverse("therapy_psychotherapy_note_create", args=[world.patient.pk]), {"text": "another"})
    assert _events(action="create", actor=world.therapist).count() == 2

    before = _events(action="list").count()
    api.get(api_list(world))
    browser.get(page_list(world))
    listed = _events(action="list").order_by("id")[before:]
    # Per request: the listing itself ("*") and each note read.
    assert sorted(e.object_id for e in listed).count("*") == 2
    assert [e.object_id for e in listed].count(note_id) == 2

    api.get(f"{api_list(world)}{note_id}/")
    browser.get(reverse("therapy_psychotherapy_note_detail", args=[world.patient.pk, note_id]))
    assert _events(action="view", object_id=note_id, actor=world.therapist, changes={}).count() == 2

    # Refused attempts by other team members are on record too (and still 404).
    nick = request.getfixturevalue("second_therapist")
    for user in (world.psychiatrist, nick):
        assert api_client(user).get(f"{api_list(world)}{note_id}/").status_code == 404
        refused = _events(action="view", object_id=note_id, actor=user).get()
        assert refused.changes == {"refused": "not found for this user"}

    for event in _events():
        assert event.patient_id == world.patient.pk
        assert SECRET not in str(event.changes) and "another" not in str(event.changes)
