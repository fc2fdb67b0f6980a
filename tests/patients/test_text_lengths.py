"""Every free-text field of patients and flags has a stated maximum length: longer is 400 on
that field (form, serializer and service alike) and nothing is written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from flags.models import Flag
from patients import services
from patients.models import CarePlan, CarePlanRevision, Goal, Patient
from tests.flags.factories import delivered_flag


def rows():
    return (
        Patient.objects.count(),
        CarePlanRevision.objects.count(),
        Goal.objects.count(),
        Flag.objects.count(),
        AuditEvent.objects.exclude(action__in=["view", "list"]).count(),
    )


NEW_PATIENT = {
    "first_name": "New",
    "last_name": "Person",
    "date_of_birth": "1990-02-03",
    "record_number": "MRN-LEN-1",
}


def test_too_long_text_is_400_on_the_field_in_the_api(world, api_client):
    before = rows()
    admin, theo = api_client(world.admin), api_client(world.therapist)
    response = admin.post("/api/v1/patients/", {**NEW_PATIENT, "address": "x" * 501}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"address"}
    response = theo.patch(
        f"/api/v1/patients/{world.patient.pk}/care-plan/",
        {"problems": "x" * 4001, "version": 1},
        format="json",
    )
    assert response.status_code == 400 and set(response.json()) == {"problems"}
    response = theo.post(
        f"/api/v1/patients/{world.patient.pk}/care-plan/goals/",
        {"description": "x" * 1001, "measurable_target": "PHQ-9 < 5", "target_date": "2027-06-01"},
        format="json",
    )
    assert response.status_code == 400 and set(response.json()) == {"description"}
    response = theo.post(
        f"/api/v1/patients/{world.patient.pk}/flags/",
        {"category": "other", "severity": "routine", "message": "x" * 2001},
        format="json",
    )
    assert response.status_code == 400 and set(response.json()) == {"message"}
    assert rows() == before


def test_too_long_text_is_400_on_the_field_on_the_pages(world, page_client):
    before = rows()
    page = page_client(world.therapist).post(
        reverse("care_plan_edit", args=[world.patient.pk]),
        {
            "problems": "x" * 4001,
            "therapy_interventions": "",
            "medication_interventions": "",
            "case_management_interventions": "",
            "next_review_date": "",
            "version": "1",
        },
    )
    assert page.status_code == 400 and set(page.context["form"].errors) == {"problems"}
    page = page_client(world.admin).post(
        reverse("patient_create"), {**NEW_PATIENT, "address": "x" * 501, "status": "active"}
    )
    assert page.status_code == 400 and "address" in page.context["form"].errors
    assert rows() == before


def test_the_services_refuse_too_long_text(world):
    before = rows()
    with pytest.raises(ValidationError) as caught:
        services.patient_update(actor=world.admin, patient=world.patient, address="x" * 501)
    assert set(caught.value.message_dict) == {"address"}
    with pytest.raises(ValidationError) as caught:
        services.care_plan_update(
            actor=world.therapist, patient=world.patient, version=1, medication_interventions="x" * 4001
        )
    assert set(caught.value.message_dict) == {"medication_interventions"}
    with pytest.raises(ValidationError) as caught:
        services.goal_update(actor=world.therapist, goal=world.goal, version=1, description="x" * 1001)
    assert set(caught.value.message_dict) == {"description"}
    assert rows() == before
    assert CarePlan.objects.get(patient=world.patient).version == 1


def test_a_too_long_resolution_note_is_400(world, api_client):
    flag = delivered_flag(patient=world.patient, by=world.therapist)
    response = api_client(world.therapist).post(
        f"/api/v1/flags/{flag.pk}/resolve/", {"note": "x" * 2001}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"note"}
    assert Flag.objects.get(pk=flag.pk).status == "open"


@pytest.mark.parametrize("day", ["1899-12-31", "2101-01-01", "future"])
def test_date_of_birth_in_the_future_or_outside_1900_2100_is_400(world, api_client, page_client, day):
    if day == "future":
        day = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    before, born = rows(), world.patient.date_of_birth
    response = api_client(world.admin).post(
        "/api/v1/patients/", {**NEW_PATIENT, "date_of_birth": day}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"date_of_birth"}
    response = api_client(world.admin).patch(
        f"/api/v1/patients/{world.patient.pk}/", {"date_of_birth": day}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"date_of_birth"}
    page = page_client(world.admin).post(
        reverse("patient_create"), {**NEW_PATIENT, "date_of_birth": day, "status": "active"}
    )
    assert page.status_code == 400 and "date_of_birth" in page.context["form"].errors
    with pytest.raises(ValidationError) as caught:
        services.patient_update(
            actor=world.admin, patient=world.patient, date_of_birth=datetime.date.fromisoformat(day)
        )
    assert set(caught.value.message_dict) == {"date_of_birth"}
    assert rows() == before
    assert Patient.objects.get(pk=world.patient.pk).date_of_birth == born
