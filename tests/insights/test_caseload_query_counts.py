"""The registry page and API cost the same number of queries for 5 and for 500 patients."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from flags import services as flags
from patients.models import CarePlan, Patient, PatientSummary, PatientUserObjectPermission


def _grow(world, n: int, start: int) -> None:
    """n patients on Theo's caseload, made in bulk (not through the services: speed)."""
    today = timezone.localdate()
    patients = Patient.objects.bulk_create(
        Patient(
            first_name=f"Bulk{i}",
            last_name=f"Patient{i:04d}",
            date_of_birth=datetime.date(1980, 1, 1),
            record_number=f"MRN-BULK-{i:05d}",
        )
        for i in range(start, start + n)
    )
    view = Permission.objects.get(content_type__app_label="patients", codename="view_patient")
    PatientUserObjectPermission.objects.bulk_create(
        PatientUserObjectPermission(user=world.therapist, permission=view, content_object=p) for p in patients
    )
    CarePlan.objects.bulk_create(
        CarePlan(patient=p, next_review_date=today - datetime.timedelta(days=i % 3))
        for i, p in enumerate(patients)
    )
    PatientSummary.objects.bulk_create(
        PatientSummary(
            patient=p,
            phq9_baseline=20,
            phq9_latest=(i % 14) + 6,
            phq9_count=1 + i % 3,
            phq9_baseline_on=today - datetime.timedelta(weeks=i % 15),
            phq9_latest_on=today,
            gad7_latest=i % 21,
            gad7_latest_on=today,
            last_contact_at=timezone.now(),
            review_since=today,
            care_plan_review_on=today - datetime.timedelta(days=i % 3),
        )
        for i, p in enumerate(patients)
    )
    for p in patients[:3]:
        flags.flag_raise(
            actor=world.therapist, patient=p, category="safety", severity="urgent", message="Check in"
        )


def _queries(client, url: str) -> tuple[int, int]:
    client.get(url)  # warm: the first request of a fresh session also saves that session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    rows = len(response.json()["results"]) if url.startswith("/api/") else len(response.context["rows"])
    return len(captured), rows


@pytest.mark.parametrize(
    "url",
    [
        reverse("caseload"),
        reverse("caseload") + "?ordering=-weeks&status=response",
        "/api/v1/caseload/",
        "/api/v1/caseload/?urgent=true&ordering=last_contact",
        reverse("psychiatric_review_list"),
        "/api/v1/psychiatric-review/",
    ],
)
def test_same_query_count_for_5_and_500_patients(world, page_client, api_client, url):
    client = api_client(world.therapist) if url.startswith("/api/") else page_client(world.therapist)
    _grow(world, 4, 0)
    small, small_rows = _queries(client, url)
    _grow(world, 495, 4)
    large, large_rows = _queries(client, url)
    assert large == small, f"{url}: {small} queries for 5 patients, {large} for 500"
    assert large_rows > small_rows or "urgent" in url


def test_registry_is_one_query_for_the_rows_and_the_count(world, page_client):
    _grow(world, 60, 0)
    client = page_client(world.therapist)
    client.get(reverse("caseload"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("caseload"))
    on_summaries = [q["sql"] for q in captured if 'FROM "careteam_patientsummary"' in q["sql"]]
    assert len(on_summaries) == 1, on_summaries  # the page of rows, with COUNT(*) OVER ()
    assert response.context["page"].paginator.count == 61
    assert len(response.context["rows"]) == 50
    assert "61 patients" in response.content.decode()
