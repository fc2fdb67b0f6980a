"""Case-management lists cost the same number of queries for 5 or 50 rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casemanagement import services
from tests.casemanagement.factories import make_contact, make_need, make_referral, make_resource


def _queries(client, url) -> int:
    client.get(url)  # warm: the first request of a fresh session also saves that session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow_resources(world, n):
    for _ in range(n):
        make_resource(actor=world.case_manager)


def grow_referrals(world, n):
    resource = make_resource(actor=world.case_manager)
    overdue = timezone.localdate() - datetime.timedelta(days=2)
    for i in range(n):
        make_referral(
            actor=world.case_manager,
            patient=world.patient,
            resource=resource,
            steps=["sent", "accepted"][: i % 3],
            follow_up_on=overdue,
        )


def grow_needs(world, n):
    domains = ["housing", "income", "food", "legal", "transport"]
    for i in range(n):
        make_need(actor=world.case_manager, patient=world.patient, domain=domains[i % 5], days_ago=i)
        make_contact(actor=world.therapist, patient=world.patient, hours_ago=i + 1)


def grow_imports(world, n):
    for _ in range(n):
        services.resource_import_start(
            actor=world.case_manager,
            filename="r.csv",
            content_type="text/csv",
            data=b"name,category\nA,food\n",
        )


def patient_url(name):
    return lambda w: reverse(name, args=[w.patient.pk])


def fixed(url):
    return lambda w: url


@pytest.mark.parametrize(
    ("who", "url", "grow", "rows"),
    [
        ("therapist", fixed("/api/v1/resources/"), grow_resources, lambda b: b.json()["results"]),
        (
            "admin",
            fixed(reverse("casemanagement_resource_list")),
            grow_resources,
            lambda b: b.context["page"],
        ),
        (
            "psychiatrist",
            lambda w: f"/api/v1/patients/{w.patient.pk}/referrals/",
            grow_referrals,
            lambda b: b.json()["results"],
        ),
        (
            "case_manager",
            patient_url("casemanagement_patient"),
            grow_referrals,
            lambda b: b.context["referrals"],
        ),
        ("case_manager", fixed("/api/v1/follow-ups/"), grow_referrals, lambda b: b.json()["results"]),
        (
            "case_manager",
            fixed(reverse("casemanagement_follow_ups")),
            grow_referrals,
            lambda b: b.context["page"],
        ),
        (
            "therapist",
            lambda w: f"/api/v1/patients/{w.patient.pk}/needs/",
            grow_needs,
            lambda b: b.json()["results"],
        ),
        (
            "therapist",
            lambda w: f"/api/v1/patients/{w.patient.pk}/contacts/",
            grow_needs,
            lambda b: b.json()["results"],
        ),
        ("psychiatrist", patient_url("casemanagement_patient"), grow_needs, lambda b: b.context["needs"]),
        (
            "therapist",
            patient_url("patient_detail"),
            grow_referrals,
            lambda b: range(50),
        ),  # the section shows at most 10: its cost must not grow either
        ("admin", fixed("/api/v1/resource-imports/"), grow_imports, lambda b: b.json()["results"]),
        ("case_manager", fixed(reverse("casemanagement_imports")), grow_imports, lambda b: b.context["page"]),
    ],
)
def test_same_query_count_for_5_and_50_rows(world, page_client, api_client, who, url, grow, rows):
    user = getattr(world, who)
    url = url(world)
    client = api_client(user) if url.startswith("/api/") else page_client(user)
    grow(world, 5)
    small = _queries(client, url)
    grow(world, 45)
    large = _queries(client, url)
    assert large == small, f"{url}: {small} queries for 5 rows, {large} for 50"
    assert len(list(rows(client.get(url)))) >= 50
