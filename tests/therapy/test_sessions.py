"""Therapy courses and sessions: only the therapist on the team records them, bad input writes
nothing, "session N of M" counts attended sessions in date order, and a stale edit is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from tests.therapy.factories import make_course, make_session
from therapy import selectors
from therapy.models import TherapyCourse, TherapySession


def sessions_url(world, patient=None):
    return f"/api/v1/patients/{(patient or world.patient).pk}/therapy-sessions/"


def courses_url(world):
    return f"/api/v1/patients/{world.patient.pk}/therapy-courses/"


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def valid_session(**changes):
    data = {
        "starts_at": ago(hours=3).isoformat(),
        "modality": "cbt",
        "mode": "video",
        "duration_minutes": 50,
        "attendance": "attended",
        "alliance_rating": 7,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def counts():
    """Sessions, courses and audit rows of writes (a refusal's own "denied" row is not one)."""
    return (
        TherapySession.objects.count(),
        TherapyCourse.objects.count(),
        AuditEvent.objects.exclude(action__in=["view", "list", "denied"]).count(),
    )


def denied_rows(user, patient) -> int:
    return AuditEvent.objects.filter(action="denied", actor=user, patient_id=patient.pk).count()


def test_therapist_records_a_session_in_a_course(world, api_client):
    course = make_course(actor=world.therapist, patient=world.patient, planned_sessions=12, modality="dbt")
    response = api_client(world.therapist).post(
        sessions_url(world), valid_session(course=course.pk, modality=None), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["modality"] == "dbt"  # taken from the course
    assert (body["session_number"], body["planned_sessions"]) == (1, 12)
    session = TherapySession.objects.get(pk=body["id"])
    assert (session.therapist, session.course, session.alliance_rating) == (world.therapist, course, 7)
    event = AuditEvent.objects.get(object_type="therapysession", action="create")
    assert event.changes == {
        "course": course.pk,
        "attendance": "attended",
        "mode": "video",
        "modality": "dbt",
    }


@pytest.mark.parametrize("who", ["psychiatrist", "case_manager"])
def test_other_roles_on_the_team_may_not_record_therapy(world, api_client, page_client, who):
    course = make_course(actor=world.therapist, patient=world.patient)
    before = counts()
    user = getattr(world, who)
    response = api_client(user).post(sessions_url(world), valid_session(), format="json")
    assert response.status_code == 403
    assert (
        api_client(user)
        .post(
            courses_url(world),
            {"modality": "cbt", "planned_sessions": 12, "start_date": "2026-01-05"},
            format="json",
        )
        .status_code
        == 403
    )
    assert (
        page_client(user)
        .post(
            reverse("therapy_session_create", args=[world.patient.pk]),
            {
                "starts_at": "2026-01-05T10:00",
                "modality": "cbt",
                "mode": "video",
                "duration_minutes": "50",
                "attendance": "attended",
            },
        )
        .status_code
        == 403
    )
    assert (
        api_client(user)
        .patch(f"{courses_url(world)}{course.pk}/", {"status": "completed", "version": 1}, format="json")
        .status_code
        == 403
    )
    assert counts() == before
    assert denied_rows(user, world.patient) == 4  # each refusal audited as such
    course.refresh_from_db()
    assert course.status == "active"


def test_403_comes_before_the_input_is_read(world, api_client):
    response = api_client(world.psychiatrist).post(
        sessions_url(world), {"duration_minutes": -1}, format="json"
    )
    assert response.status_code == 403


def test_outsider_gets_404_and_nothing_is_written_bola(world, api_client, page_client):
    session = make_session(actor=world.therapist, patient=world.patient, attendance="scheduled", days_ago=-2)
    before = counts()
    api = api_client(world.outsider)
    assert api.get(sessions_url(world)).status_code == 404
    assert api.post(sessions_url(world), valid_session(), format="json").status_code == 404
    assert (
        api.patch(
            f"{sessions_url(world)}{session.pk}/",
            {"attendance": "cancelled_by_clinic", "version": 1},
            format="json",
        ).status_code
        == 404
    )
    assert (
        page_client(world.outsider).get(reverse("therapy_overview", args=[world.patient.pk])).status_code
        == 404
    )
    assert counts() == before
    assert denied_rows(world.outsider, world.patient) == 4
    session.refresh_from_db()
    assert session.attendance == "scheduled"


BAD_SESSIONS = [
    ({"duration_minutes": 0}, "duration_minutes", "Duration must be between 1 and 480 minutes."),
    ({"duration_minutes": -30}, "duration_minutes", "Duration must be between 1 and 480 minutes."),
    ({"duration_minutes": 481}, "duration_minutes", "Duration must be between 1 and 480 minutes."),
    ({"alliance_rating": 11}, "alliance_rating", "The alliance rating goes from 0 to 10."),
    ({"alliance_rating": -1}, "alliance_rating", "The alliance rating goes from 0 to 10."),
    (
        {"attendance": "no_show", "alliance_rating": 5},
        "alliance_rating",
        "Rate the alliance only for a session that was attended.",
    ),
    (
        {"starts_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()},
        "attendance",
        "This session is in the future",
    ),
    ({"mode": "carrier pigeon"}, "mode", "not a valid choice"),
    ({"modality": None}, "modality", "Choose a modality, or a course to take it from."),
    ({"course": 999999}, "course", "This patient has no such therapy course."),
    ({"starts_at": None}, "starts_at", "This field is required."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_SESSIONS)
def test_bad_session_input_on_the_api_writes_nothing(world, api_client, change, field, message):
    before = counts()
    response = api_client(world.therapist).post(sessions_url(world), valid_session(**change), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field], errors
    assert message in errors[field][0]
    assert counts() == before


def session_form(**changes):
    data = {
        "course": "",
        "starts_at": (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "modality": "cbt",
        "mode": "in_person",
        "duration_minutes": "50",
        "attendance": "attended",
        "alliance_rating": "8",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"duration_minutes": "0"}, "duration_minutes", "Duration must be between 1 and 480 minutes."),
        ({"duration_minutes": "-5"}, "duration_minutes", "Duration must be between 1 and 480 minutes."),
        ({"alliance_rating": "11"}, "alliance_rating", "The alliance rating goes from 0 to 10."),
        (
            {"attendance": "cancelled_by_patient"},
            "alliance_rating",
            "Rate the alliance only for a session that was attended.",
        ),
        ({"starts_at": "2026-02-30T10:00"}, "starts_at", "Enter a valid date/time."),
    ],
)
def test_bad_session_input_on_the_page_writes_nothing(world, page_client, change, field, message):
    before = counts()
    response = page_client(world.therapist).post(
        reverse("therapy_session_create", args=[world.patient.pk]), session_form(**change)
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0] and message in response.content.decode()
    assert counts() == before


def test_a_course_of_another_patient_cannot_be_used(world, api_client):
    theirs = make_course(actor=world.outsider, patient=world.other_patient)
    before = counts()
    response = api_client(world.therapist).post(
        sessions_url(world), valid_session(course=theirs.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"course": ["This patient has no such therapy course."]}
    assert counts() == before


def test_session_number_counts_attended_sessions_in_date_order(world):
    course = make_course(actor=world.therapist, patient=world.patient, planned_sessions=12)
    other = make_course(actor=world.therapist, patient=world.patient, planned_sessions=6)
    # Recorded out of order, with missed and cancelled sessions in between.
    s3 = make_session(actor=world.therapist, patient=world.patient, course=course, days_ago=7)
    s1 = make_session(actor=world.therapist, patient=world.patient, course=course, days_ago=28)
    missed = make_session(
        actor=world.therapist, patient=world.patient, course=course, days_ago=21, attendance="no_show"
    )
    s2 = make_session(actor=world.therapist, patient=world.patient, course=course, days_ago=14)
    cancelled = make_session(
        actor=world.therapist,
        patient=world.patient,
        course=course,
        days_ago=3,
        attendance="cancelled_by_clinic",
    )
    o1 = make_session(actor=world.therapist, patient=world.patient, course=other, days_ago=10)
    loose = make_session(actor=world.therapist, patient=world.patient, days_ago=2)
    numbers = {
        s.pk: (s.session_number, s.course.planned_sessions if s.course else None)
        for s in selectors.sessions(patient=world.patient)
    }
    assert numbers == {
        s1.pk: (1, 12),
        s2.pk: (2, 12),
        s3.pk: (3, 12),
        missed.pk: (None, 12),
        cancelled.pk: (None, 12),
        o1.pk: (1, 6),
        loose.pk: (None, None),
    }
    # The same numbers on one session alone (filtering does not renumber).
    assert selectors.sessions(patient=world.patient).get(pk=s3.pk).session_number == 3


def test_pages_show_session_n_of_m(world, page_client):
    course = make_course(actor=world.therapist, patient=world.patient, planned_sessions=12)
    for days in (21, 14, 7):
        make_session(actor=world.therapist, patient=world.patient, course=course, days_ago=days)
    make_session(
        actor=world.therapist, patient=world.patient, course=course, days_ago=3, attendance="no_show"
    )
    body = (
        page_client(world.case_manager)
        .get(reverse("therapy_overview", args=[world.patient.pk]))
        .content.decode()
    )
    assert "session 3 of 12" in body and "session 1 of 12" in body
    assert "No-show" in body and "session 4 of 12" not in body
    assert "3 of 12 sessions attended" in body


def test_therapist_records_attendance_afterwards(world, api_client):
    session = make_session(actor=world.therapist, patient=world.patient, attendance="scheduled", days_ago=0)
    url = f"{sessions_url(world)}{session.pk}/"
    api = api_client(world.therapist)
    etag = api.get(url)["ETag"]
    response = api.patch(
        url, {"attendance": "attended", "alliance_rating": 9}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    assert (response.json()["attendance"], response.json()["version"]) == ("attended", 2)
    event = AuditEvent.objects.get(object_type="therapysession", action="update")
    assert event.changes == {"attendance": ["scheduled", "attended"], "alliance_rating": "changed"}


def test_a_stale_session_edit_is_refused(world, api_client, page_client):
    session = make_session(actor=world.therapist, patient=world.patient, attendance="scheduled", days_ago=0)
    url = f"{sessions_url(world)}{session.pk}/"
    assert (
        api_client(world.therapist)
        .patch(url, {"attendance": "attended", "version": 1}, format="json")
        .status_code
        == 200
    )
    stale = api_client(world.therapist).patch(url, {"attendance": "no_show", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    page = page_client(world.therapist).post(
        reverse("therapy_session_edit", args=[world.patient.pk, session.pk]),
        {**session_form(attendance="cancelled_by_patient", alliance_rating=""), "version": "1"},
    )
    assert page.status_code == 409 and "Not saved." in page.content.decode()
    session.refresh_from_db()
    assert (session.attendance, session.version) == ("attended", 2)


def test_patch_without_a_version_is_refused(world, api_client):
    session = make_session(actor=world.therapist, patient=world.patient)
    response = api_client(world.therapist).patch(
        f"{sessions_url(world)}{session.pk}/", {"duration_minutes": 45}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()


def test_bad_edit_writes_nothing(world, api_client):
    session = make_session(actor=world.therapist, patient=world.patient, attendance="scheduled", days_ago=0)
    response = api_client(world.therapist).patch(
        f"{sessions_url(world)}{session.pk}/", {"alliance_rating": 11, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"alliance_rating": ["The alliance rating goes from 0 to 10."]}
    session.refresh_from_db()
    assert (session.alliance_rating, session.version) == (None, 1)


def test_another_patients_session_is_not_found(world, api_client, page_client):
    theirs = make_session(actor=world.outsider, patient=world.other_patient)
    assert api_client(world.therapist).get(f"{sessions_url(world)}{theirs.pk}/").status_code == 404
    assert (
        api_client(world.therapist)
        .patch(f"{sessions_url(world)}{theirs.pk}/", {"attendance": "no_show", "version": 1}, format="json")
        .status_code
        == 404
    )
    assert (
        page_client(world.therapist)
        .get(reverse("therapy_session_edit", args=[world.patient.pk, theirs.pk]))
        .status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.attendance == "attended"


def test_session_page_form_records_a_session(world, page_client):
    course = make_course(actor=world.therapist, patient=world.patient, planned_sessions=10)
    response = page_client(world.therapist).post(
        reverse("therapy_session_create", args=[world.patient.pk]),
        session_form(course=str(course.pk), modality=""),
        follow=True,
    )
    assert response.status_code == 200
    assert "Session recorded." in response.content.decode()
    assert "session 1 of 10" in response.content.decode()
    session = TherapySession.objects.get()
    assert (session.course, session.modality, session.alliance_rating) == (course, "cbt", 8)


def test_courses_open_and_complete(world, api_client, page_client):
    api = api_client(world.therapist)
    created = api.post(
        courses_url(world),
        {"modality": "psychodynamic", "planned_sessions": 20, "start_date": "2026-01-05"},
        format="json",
    )
    assert created.status_code == 201
    course = created.json()
    assert (course["status"], course["attended_sessions"], course["therapist"]) == (
        "active",
        0,
        world.therapist.pk,
    )
    bad = api.post(
        courses_url(world),
        {"modality": "cbt", "planned_sessions": 0, "start_date": "2026-01-05"},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json() == {"planned_sessions": ["Plan between 1 and 100 sessions."]}
    page = page_client(world.therapist).post(
        reverse("therapy_course_edit", args=[world.patient.pk, course["id"]]),
        {
            "modality": "psychodynamic",
            "planned_sessions": "20",
            "start_date": "2026-01-05",
            "status": "ended_early",
            "version": "1",
        },
    )
    assert page.status_code == 302
    assert TherapyCourse.objects.get(pk=course["id"]).status == "ended_early"
    assert TherapyCourse.objects.count() == 1
    stale = api.patch(
        f"{courses_url(world)}{course['id']}/", {"status": "active", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert TherapyCourse.objects.get(pk=course["id"]).status == "ended_early"


def test_an_amended_duration_keeps_the_old_value_in_its_history(world, api_client):
    """A typo in one field is amended, not voided: the audit trail keeps what it was."""
    session = make_session(actor=world.therapist, patient=world.patient)  # 50 minutes
    url = f"{sessions_url(world)}{session.pk}/"
    api = api_client(world.therapist)
    response = api.patch(url, {"duration_minutes": 45}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
    assert response.status_code == 200 and response.json()["duration_minutes"] == 45
    event = AuditEvent.objects.get(object_type="therapysession", action="update")
    assert event.changes == {"duration_minutes": [50, 45]}
