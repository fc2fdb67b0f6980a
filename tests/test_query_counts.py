"""List pages and list endpoints cost the same number of queries for 5 or 50 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careteam.roles import Role
from patients.services import patient_update
from tests.careteam.factories import UserFactory
from tests.patients.factories import make_patient


def _queries(client, url) -> int:
    client.get(url)  # warm: the first request of a fresh session also saves that session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow(world, n):
    """n patients on Theo's and Priya's teams, with some audit and staff rows besides."""
    for _ in range(n):
        patient = make_patient(
            actor=world.admin,
            team=[(world.therapist, Role.THERAPIST), (world.psychiatrist, Role.PSYCHIATRIST)],
        )
        patient_update(actor=world.therapist, patient=patient, phone="555-0101")
        UserFactory(role=Role.CASE_MANAGER)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("therapist", reverse("patient_list")),
        ("admin", reverse("patient_list")),
        ("therapist", "/api/v1/patients/"),
        ("admin", "/api/v1/patients/"),
        ("admin", reverse("staff_list")),
        ("admin", "/api/v1/staff/"),
        ("admin", reverse("audit_log")),
        ("admin", "/api/v1/audit/"),
    ],
)
def test_same_query_count_for_5_and_50_rows(world, page_client, api_client, who, url):
    user = getattr(world, who)
    client = api_client(user) if url.startswith("/api/") else page_client(user)
    _grow(world, 4)  # with the fixture's patient: 5 on the team
    small = _queries(client, url)
    _grow(world, 45)  # 50
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries for 5 rows, {large} for 50"
    # and the larger list really shows more rows
    body = client.get(url)
    rows = body.json()["results"] if url.startswith("/api/") else list(body.context["page"])
    assert len(rows) >= 50
