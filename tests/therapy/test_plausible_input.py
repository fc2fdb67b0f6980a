"""Plausible dates (not before the patient's birth, 1900–2100, not in the future for what has
happened) and stated maximum lengths for free text: 400 on the field, nothing written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from careteam.models import AuditEvent
from tests.therapy.factories import make_course, make_session
from therapy.models import (
    NOTE_TEXT_MAX,
    Assessment,
    ProgressNote,
    PsychotherapyNote,
    TherapyCourse,
    TherapySession,
)

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        model.objects.count()
        for model in (Assessment, TherapySession, TherapyCourse, ProgressNote, PsychotherapyNote, AuditEvent)
    )


def api(name, world):
    return reverse(name, kwargs={"patient_id": world.patient.pk})


def day_before_birth(world) -> datetime.date:
    return world.patient.date_of_birth - datetime.timedelta(days=1)


def at_noon(day: datetime.date) -> str:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC).isoformat()


def refused(response, field, message):
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == [field], errors
    assert any(message in error for error in errors[field]), errors


# --- measures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("before_birth", "before the patient's date of birth"),
        ("1899-12-31", "Enter a date between 1900-01-01 and 2100-12-31."),
        ("tomorrow", "cannot be in the future"),
    ],
)
def test_assessment_date_must_be_plausible(world, api_client, when, message):
    day = {
        "before_birth": day_before_birth(world).isoformat(),
        "tomorrow": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
    }.get(when, when)
    before = counts()
    response = api_client(world.therapist).post(
        api("api_assessment_list", world),
        {"instrument": "PHQ9", "answers": [0] * 9, "administered_on": day},
        format="json",
    )
    refused(response, "administered_on", message)
    assert counts() == before


def test_assessment_on_the_date_of_birth_is_fine(world, api_client):
    response = api_client(world.therapist).post(
        api("api_assessment_list", world),
        {
            "instrument": "PHQ9",
            "answers": [0] * 9,
            "administered_on": world.patient.date_of_birth.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201


def test_assessment_page_refuses_a_date_before_birth(world, page_client):
    before = counts()
    response = page_client(world.therapist).post(
        reverse("therapy_assessment_create", kwargs={"patient_id": world.patient.pk, "instrument": "phq9"}),
        {**{f"item_{n}": "1" for n in range(1, 10)}, "administered_on": day_before_birth(world).isoformat()},
    )
    assert response.status_code == 400
    assert "before the patient&#x27;s date of birth" in response.content.decode()
    assert counts() == before


# --- sessions -----------------------------------------------------------------------------------


def session(**change):
    return {
        "starts_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "modality": "cbt",
        "mode": "video",
        "duration_minutes": 50,
        "attendance": "attended",
        **change,
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"starts_at": "before_birth"}, "starts_at", "before the patient's date of birth"),
        ({"starts_at": at_noon(datetime.date(1899, 6, 1))}, "starts_at", "Enter a date between 1900-01-01"),
        (
            {"starts_at": at_noon(datetime.date(2101, 1, 3)), "attendance": "scheduled"},
            "starts_at",
            "Enter a date between 1900-01-01",
        ),
        (
            {"starts_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(), "attendance": "no_show"},
            "attendance",
            "This session is in the future",
        ),
    ],
)
def test_session_start_must_be_plausible(world, api_client, change, field, message):
    if change.get("starts_at") == "before_birth":
        change = {**change, "starts_at": at_noon(day_before_birth(world))}
    before = counts()
    response = api_client(world.therapist).post(
        api("api_therapy_session_list", world), session(**change), format="json"
    )
    refused(response, field, message)
    assert counts() == before


def test_a_session_may_be_booked_ahead_while_scheduled(world, api_client):
    ahead = (timezone.now() + datetime.timedelta(days=14)).isoformat()
    response = api_client(world.therapist).post(
        api("api_therapy_session_list", world),
        session(starts_at=ahead, attendance="scheduled"),
        format="json",
    )
    assert response.status_code == 201, response.content


def test_session_edit_to_before_birth_is_refused(world, api_client):
    existing = make_session(actor=world.therapist, patient=world.patient)
    before = counts()
    response = api_client(world.therapist).patch(
        reverse(
            "api_therapy_session_detail", kwargs={"patient_id": world.patient.pk, "session_id": existing.pk}
        ),
        {"starts_at": at_noon(day_before_birth(world)), "version": 1},
        format="json",
    )
    refused(response, "starts_at", "before the patient's date of birth")
    assert counts() == before
    existing.refresh_from_db()
    assert existing.version == 1


# --- courses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_date", "message"),
    [
        ("before_birth", "before the patient's date of birth"),
        ("1899-12-31", "Enter a date between 1900-01-01 and 2100-12-31."),
        ("2101-01-01", "Enter a date between 1900-01-01 and 2100-12-31."),
    ],
)
def test_course_start_must_be_plausible(world, api_client, start_date, message):
    if start_date == "before_birth":
        start_date = day_before_birth(world).isoformat()
    before = counts()
    response = api_client(world.therapist).post(
        api("api_therapy_course_list", world),
        {"modality": "cbt", "planned_sessions": 12, "start_date": start_date},
        format="json",
    )
    refused(response, "start_date", message)
    assert counts() == before


def test_a_course_may_start_later(world, api_client):
    response = api_client(world.therapist).post(
        api("api_therapy_course_list", world),
        {
            "modality": "cbt",
            "planned_sessions": 12,
            "start_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201


def test_course_edit_page_refuses_a_start_before_birth(world, page_client):
    course = make_course(actor=world.therapist, patient=world.patient)
    before = counts()
    response = page_client(world.therapist).post(
        reverse("therapy_course_edit", kwargs={"patient_id": world.patient.pk, "course_id": course.pk}),
        {
            "modality": "cbt",
            "planned_sessions": "12",
            "start_date": day_before_birth(world).isoformat(),
            "status": "active",
            "version": "1",
        },
    )
    assert response.status_code == 400
    assert counts() == before


# --- free text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["api_progress_note_list", "api_psychotherapy_note_list"])
def test_note_text_longer_than_the_limit_is_400_on_the_api(world, api_client, url_name):
    client = api_client(world.therapist)
    before = counts()
    response = client.post(api(url_name, world), {"text": "x" * (NOTE_TEXT_MAX + 1)}, format="json")
    refused(response, "text", f"{NOTE_TEXT_MAX}")
    assert counts() == before
    assert client.post(api(url_name, world), {"text": "x" * NOTE_TEXT_MAX}, format="json").status_code == 201


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("therapy_progress_note_create", {"session": ""}),
        ("therapy_psychotherapy_note_create", {}),
    ],
)
def test_note_text_longer_than_the_limit_is_400_on_the_page(world, page_client, url_name, data):
    before = counts()
    response = page_client(world.therapist).post(
        api(url_name, world), {**data, "text": "x" * (NOTE_TEXT_MAX + 1)}
    )
    assert response.status_code == 400
    assert f"at most {NOTE_TEXT_MAX:,}".replace(",", "") in response.content.decode().replace(",", "")
    assert f'maxlength="{NOTE_TEXT_MAX}"' in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("service", ["progress_note_create", "psychotherapy_note_create"])
def test_the_service_enforces_the_limit_too(world, service):
    from django.core.exceptions import ValidationError

    from therapy import services

    before = counts()
    with pytest.raises(ValidationError) as refused_:
        getattr(services, service)(
            actor=world.therapist, patient=world.patient, text="x" * (NOTE_TEXT_MAX + 1)
        )
    assert list(refused_.value.message_dict) == ["text"]
    assert counts() == before


def test_the_schema_states_the_limits():
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for name in ("ProgressNote", "PsychotherapyNote"):
        assert schemas[name]["properties"]["text"]["maxLength"] == NOTE_TEXT_MAX
    assert schemas["EnteredInErrorRequest"]["properties"]["reason"]["maxLength"] == 500
