"""Registering and editing patients: who may, and what bad input does (nothing)."""

import pytest
from django.urls import reverse

from careteam.models import AuditEvent
from patients.models import CarePlan, CareTeamMember, Patient

VALID = {
    "first_name": "Casey",
    "last_name": "Nguyen",
    "date_of_birth": "1992-06-01",
    "record_number": "MRN-2001",
    "status": "active",
}


def counts():
    return (
        Patient.objects.count(),
        CarePlan.objects.count(),
        CareTeamMember.objects.count(),
        AuditEvent.objects.filter(action="create").count(),
    )


def test_admin_registers_a_patient_with_an_empty_care_plan(world, api_client):
    response = api_client(world.admin).post("/api/v1/patients/", VALID, format="json")
    assert response.status_code == 201
    patient = Patient.objects.get(record_number="MRN-2001")
    assert response.json()["id"] == patient.pk
    assert CarePlan.objects.get(patient=patient).version == 1
    assert not patient.team_members.exists()


def test_case_manager_who_registers_becomes_primary_contact(world, page_client):
    response = page_client(world.case_manager).post(reverse("patient_create"), VALID)
    patient = Patient.objects.get(record_number="MRN-2001")
    assert response.status_code == 302 and response["Location"] == f"/patients/{patient.pk}/"
    member = patient.team_members.get()
    assert (member.user, member.role, member.is_primary) == (world.case_manager, "case_manager", True)
    # ...and can open the patient straight away.
    assert page_client(world.case_manager).get(response["Location"]).status_code == 200


BAD_INPUT = [
    ({"first_name": None}, "first_name", "This field is required."),
    ({"last_name": None}, "last_name", "This field is required."),
    (
        {"date_of_birth": "31/02/1990"},
        "date_of_birth",
        (
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",  # API
            "Enter a valid date.",
        ),
    ),  # page
    ({"date_of_birth": "2099-01-01"}, "date_of_birth", "Date of birth cannot be in the future."),
    (
        {"date_of_birth": "1850-01-01"},
        "date_of_birth",
        ("Enter a date between 1900-01-01 and 2100-12-31.", "Date of birth is before 1900."),  # API, page
    ),
    ({"record_number": "mrn-t00001"}, "record_number", "Another patient already has this record number."),
    ({"status": "asleep"}, "status", None),
    ({"email": "nope"}, "email", "Enter a valid email address."),
]


def _payload(change, world):
    data = dict(VALID)
    data.update(change)
    if data.get("record_number") == "mrn-t00001":
        data["record_number"] = world.patient.record_number.lower()
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_patient_input_on_the_api_writes_nothing(world, api_client, change, field, message):
    before = counts()
    response = api_client(world.admin).post("/api/v1/patients/", _payload(change, world), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    if isinstance(message, tuple):
        message = message[0]
    if message:
        assert message in errors[field][0]
    assert counts() == before


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_patient_input_on_the_page_writes_nothing(world, page_client, change, field, message):
    before = counts()
    response = page_client(world.admin).post(reverse("patient_create"), _payload(change, world))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if isinstance(message, tuple):
        message = message[1]
    if message:
        assert message in errors[field][0]
        assert message in response.content.decode()
    assert counts() == before


def test_duplicate_record_number_on_edit_is_refused(world, api_client):
    response = api_client(world.therapist).patch(
        f"/api/v1/patients/{world.patient.pk}/",
        {"record_number": world.other_patient.record_number},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"record_number": ["Another patient already has this record number."]}
    world.patient.refresh_from_db()
    assert world.patient.record_number != world.other_patient.record_number


def test_team_member_edits_contact_details(world, api_client):
    response = api_client(world.case_manager).patch(
        f"/api/v1/patients/{world.patient.pk}/", {"phone": "555-0142"}, format="json"
    )
    assert response.status_code == 200 and response.json()["phone"] == "555-0142"
    event = AuditEvent.objects.filter(object_type="patient", action="update").latest("id")
    assert event.actor == world.case_manager and event.changes == {"phone": "changed"}


def test_patient_list_shows_only_own_care_teams(world, api_client, page_client):
    body = api_client(world.therapist).get("/api/v1/patients/").json()
    assert [row["id"] for row in body["results"]] == [world.patient.pk]
    assert body["count"] == 1
    page = page_client(world.outsider).get(reverse("patient_list")).content.decode()
    assert "Hidden, Robin" in page and "Avery" not in page


def test_admin_sees_every_patient_but_no_clinical_record(world, page_client):
    client = page_client(world.admin)
    listing = client.get(reverse("patient_list")).content.decode()
    assert "Avery, Jordan" in listing and "Hidden, Robin" in listing
    detail = client.get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    assert "Care team" in detail and "Theo Rivera" in detail
    assert "Fewer depressive days" not in detail  # the care plan is for the team only


def test_list_is_paginated_with_page_size(world, api_client):
    from tests.patients.factories import make_patient

    for _ in range(3):
        make_patient(actor=world.admin)
    body = api_client(world.admin).get("/api/v1/patients/?page_size=2").json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]


def test_an_empty_submission_is_refused_not_ignored(world, page_client):
    before = counts()
    response = page_client(world.admin).post(reverse("patient_create"), {})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {
        "first_name",
        "last_name",
        "date_of_birth",
        "record_number",
    }
    assert counts() == before
