"""Plausible dates and sizes: a need's assessment date, a contact's time and a referral's
follow-up date are refused (400 on the field, nothing written) before the patient's birth,
outside 1900–2100, or — for what has happened — in the future; every free-text field has a
maximum length."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casemanagement import services
from casemanagement.models import CommunityResource, Contact, NeedAssessment, Referral, ReferralStatusChange
from patients.models import PatientSummary
from tests.casemanagement.factories import make_referral, make_resource


def rows():
    return (
        NeedAssessment.objects.count(),
        Contact.objects.count(),
        Referral.objects.count(),
        ReferralStatusChange.objects.count(),
        CommunityResource.objects.count(),
    )


def day_before_birth(world):
    return (world.patient.date_of_birth - datetime.timedelta(days=1)).isoformat()


def tomorrow():
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def need(**overrides):
    return {"domain": "housing", "priority": "high", "assessed_on": "2025-01-10", **overrides}


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["before_birth", "future", "1899-12-31", "2101-01-01"])
def test_an_implausible_assessment_date_is_400_on_the_field(world, api_client, page_client, when):
    value = {"before_birth": day_before_birth(world), "future": tomorrow()}.get(when, when)
    before = rows()
    response = api_client(world.case_manager).post(
        f"/api/v1/patients/{world.patient.pk}/needs/", need(assessed_on=value), format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["assessed_on"]
    page = page_client(world.case_manager).post(
        reverse("casemanagement_need_create", args=[world.patient.pk]),
        {**need(assessed_on=value), "status": "open"},
    )
    assert page.status_code == 400 and list(page.context["form"].errors) == ["assessed_on"]
    assert rows() == before


def test_an_assessment_on_the_day_of_birth_is_accepted(world, api_client):
    response = api_client(world.case_manager).post(
        f"/api/v1/patients/{world.patient.pk}/needs/",
        need(assessed_on=world.patient.date_of_birth.isoformat()),
        format="json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize("when", ["before_birth", "future", "1899-12-31", "2101-01-01"])
def test_an_implausible_contact_time_is_400_on_the_field(world, api_client, page_client, when):
    day = {"before_birth": day_before_birth(world), "future": tomorrow()}.get(when, when)
    before = rows()
    summary_before = PatientSummary.objects.get(patient=world.patient).last_contact_at
    response = api_client(world.case_manager).post(
        f"/api/v1/patients/{world.patient.pk}/contacts/",
        {"contacted_at": f"{day}T10:30:00Z", "channel": "phone", "outcome": "reached"},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["contacted_at"]
    page = page_client(world.case_manager).post(
        reverse("casemanagement_contact_create", args=[world.patient.pk]),
        {"contacted_at": f"{day}T10:30", "channel": "phone", "outcome": "reached", "notes": ""},
    )
    assert page.status_code == 400 and list(page.context["form"].errors) == ["contacted_at"]
    assert rows() == before
    assert PatientSummary.objects.get(patient=world.patient).last_contact_at == summary_before


@pytest.mark.parametrize("when", ["before_birth", "1899-12-31", "2101-01-01"])
def test_an_implausible_follow_up_date_is_400_on_the_field(world, api_client, page_client, when):
    value = {"before_birth": day_before_birth(world)}.get(when, when)
    resource = make_resource(actor=world.case_manager)
    referral = make_referral(actor=world.case_manager, patient=world.patient, resource=resource)
    before = rows()
    carmen = api_client(world.case_manager)
    created = carmen.post(
        f"/api/v1/patients/{world.patient.pk}/referrals/",
        {"resource": resource.pk, "follow_up_on": value},
        format="json",
    )
    assert created.status_code == 400 and list(created.json()) == ["follow_up_on"]
    page = page_client(world.case_manager).post(
        reverse("casemanagement_referral_create", args=[world.patient.pk]),
        {"resource": resource.pk, "follow_up_on": value},
    )
    assert page.status_code == 400 and list(page.context["form"].errors) == ["follow_up_on"]
    moved = carmen.post(
        f"/api/v1/patients/{world.patient.pk}/referrals/{referral.pk}/status/",
        {"status": "sent", "follow_up_on": value},
        format="json",
    )
    assert moved.status_code == 400 and list(moved.json()) == ["follow_up_on"]
    step_page = page_client(world.case_manager).post(
        reverse("casemanagement_referral_status", args=[world.patient.pk, referral.pk]),
        {"status": "sent", "follow_up_on": value},
    )
    assert step_page.status_code == 400 and list(step_page.context["form"].errors) == ["follow_up_on"]
    assert rows() == before
    referral.refresh_from_db()
    assert (referral.status, referral.follow_up_on) == ("draft", None)


def test_a_follow_up_date_may_be_ahead(world, api_client):
    resource = make_resource(actor=world.case_manager)
    ahead = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = api_client(world.case_manager).post(
        f"/api/v1/patients/{world.patient.pk}/referrals/",
        {"resource": resource.pk, "follow_up_on": ahead},
        format="json",
    )
    assert response.status_code == 201 and response.json()["follow_up_on"] == ahead


# --- sizes --------------------------------------------------------------------------------------


TOO_LONG = "x" * 2001


def test_too_long_need_notes_are_400(world, api_client, page_client):
    before = rows()
    response = api_client(world.case_manager).post(
        f"/api/v1/patients/{world.patient.pk}/needs/", need(notes=TOO_LONG), format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["notes"]
    page = page_client(world.case_manager).post(
        reverse("casemanagement_need_create", args=[world.patient.pk]),
        {**need(notes=TOO_LONG), "status": "open"},
    )
    assert page.status_code == 400 and list(page.context["form"].errors) == ["notes"]
    assert 'maxlength="2000"' in page.content.decode()
    assert rows() == before


def test_too_long_contact_notes_are_400(world, api_client, page_client):
    before = rows()
    response = api_client(world.case_manager).post(
        f"/api/v1/patients/{world.patient.pk}/contacts/",
        {"contacted_at": "2025-01-10T10:30:00Z", "channel": "phone", "outcome": "reached", "notes": TOO_LONG},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["notes"]
    page = page_client(world.case_manager).post(
        reverse("casemanagement_contact_create", args=[world.patient.pk]),
        {"contacted_at": "2025-01-10T10:30", "channel": "phone", "outcome": "reached", "notes": TOO_LONG},
    )
    assert page.status_code == 400 and list(page.context["form"].errors) == ["notes"]
    assert rows() == before


def test_too_long_referral_notes_are_400(world, api_client, page_client):
    resource = make_resource(actor=world.case_manager)
    referral = make_referral(actor=world.case_manager, patient=world.patient, resource=resource)
    before = rows()
    carmen = api_client(world.case_manager)
    created = carmen.post(
        f"/api/v1/patients/{world.patient.pk}/referrals/",
        {"resource": resource.pk, "note": TOO_LONG},
        format="json",
    )
    assert created.status_code == 400 and list(created.json()) == ["note"]
    page = page_client(world.case_manager).post(
        reverse("casemanagement_referral_create", args=[world.patient.pk]),
        {"resource": resource.pk, "note": TOO_LONG},
    )
    assert page.status_code == 400 and list(page.context["form"].errors) == ["note"]
    moved = carmen.post(
        f"/api/v1/patients/{world.patient.pk}/referrals/{referral.pk}/status/",
        {"status": "sent", "note": TOO_LONG},
        format="json",
    )
    assert moved.status_code == 400 and list(moved.json()) == ["note"]
    assert rows() == before


@pytest.mark.parametrize(
    "field,value",
    [("name", "n" * 201), ("description", TOO_LONG), ("eligibility", TOO_LONG), ("hours", "h" * 201)],
)
def test_too_long_resource_text_is_400(world, api_client, page_client, field, value):
    before = rows()
    body = {"name": "Hope House", "category": "housing", field: value}
    response = api_client(world.case_manager).post("/api/v1/resources/", body, format="json")
    assert response.status_code == 400 and list(response.json()) == [field]
    page = page_client(world.case_manager).post(
        reverse("casemanagement_resource_create"), {**body, "is_active": "on"}
    )
    assert page.status_code == 400 and list(page.context["form"].errors) == [field]
    assert rows() == before


def test_the_services_refuse_too_long_notes_too(world):
    before = rows()
    with pytest.raises(ValidationError) as refused:
        services.need_record(
            actor=world.case_manager,
            patient=world.patient,
            domain="housing",
            priority="high",
            assessed_on=datetime.date(2025, 1, 10),
            notes=TOO_LONG,
        )
    assert list(refused.value.message_dict) == ["notes"]
    with pytest.raises(ValidationError) as refused:
        services.contact_record(
            actor=world.case_manager,
            patient=world.patient,
            contacted_at=timezone.now(),
            channel="phone",
            outcome="reached",
            notes=TOO_LONG,
        )
    assert list(refused.value.message_dict) == ["notes"]
    assert rows() == before
