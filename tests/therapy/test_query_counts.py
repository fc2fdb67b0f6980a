"""The session and assessment lists cost the same number of queries for 5 or 50 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.therapy.factories import make_assessment, make_course, make_session


def _queries(client, url) -> int:
    client.get(url)  # warm: the first request of a fresh session also saves that session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(world, n, *, start):
    course = make_course(actor=world.therapist, patient=world.patient, planned_sessions=60)
    for i in range(start, start + n):
        make_session(
            actor=world.therapist,
            patient=world.patient,
            course=course,
            days_ago=i,
            attendance="no_show" if i % 4 == 0 else "attended",
        )
        make_assessment(
            actor=world.case_manager,
            patient=world.patient,
            instrument="PHQ9" if i % 2 else "GAD7",
            days_ago=i,
        )


def _rows(response, url):
    if url.startswith("/api/"):
        return response.json()["results"]
    context = response.context
    return list(context["sessions"]) + list(context["measures"])


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("psychiatrist", "/api/v1/patients/{pid}/therapy-sessions/"),
        ("case_manager", "/api/v1/patients/{pid}/assessments/"),
        ("therapist", "therapy_overview"),
        ("case_manager", "patient_detail"),
    ],
)
def test_same_query_count_for_5_and_50_rows(world, page_client, api_client, who, path):
    pid = world.patient.pk
    url = path.format(pid=pid) if path.startswith("/") else reverse(path, args=[pid])
    user = getattr(world, who)
    client = api_client(user) if url.startswith("/api/") else page_client(user)
    _grow(world, 5, start=1)
    small = _queries(client, url)
    _grow(world, 45, start=6)
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries for 5 rows, {large} for 50"
    if path != "patient_detail":
        assert len(_rows(client.get(url), url)) >= 50
