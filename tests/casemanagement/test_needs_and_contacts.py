"""Needs assessments and the contact log: any member of the care team records them, every
assessment is kept, and the current needs are the latest assessment in each domain."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from casemanagement import selectors
from casemanagement.models import Contact, NeedAssessment
from tests.casemanagement.factories import make_contact, make_need


def needs_url(world):
    return f"/api/v1/patients/{world.patient.pk}/needs/"


def contacts_url(world):
    return f"/api/v1/patients/{world.patient.pk}/contacts/"


@pytest.mark.parametrize("who", ["therapist", "psychiatrist", "case_manager"])
def test_any_team_member_records_a_need(world, api_client, who):
    response = api_client(getattr(world, who)).post(
        needs_url(world),
        {"domain": "housing", "priority": "urgent", "assessed_on": "2025-03-01", "notes": "Eviction notice"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["domain"], body["priority"], body["status"]) == ("housing", "urgent", "open")
    assert body["assessed_by"] == getattr(world, who).pk
    event = AuditEvent.objects.get(object_type="needassessment", object_id=str(body["id"]))
    assert event.action == "create" and event.patient_id == world.patient.pk
    assert "Eviction" not in str(event.changes)


def test_current_needs_are_the_latest_per_domain_and_history_is_kept(world, api_client):
    make_need(
        actor=world.case_manager, patient=world.patient, domain="housing", priority="medium", days_ago=60
    )
    make_need(actor=world.therapist, patient=world.patient, domain="income", priority="high", days_ago=30)
    make_need(
        actor=world.case_manager, patient=world.patient, domain="housing", priority="urgent", days_ago=5
    )
    # entered today but assessed earlier than the urgent one: history, not current
    make_need(actor=world.case_manager, patient=world.patient, domain="housing", priority="low", days_ago=20)
    make_need(
        actor=world.case_manager,
        patient=world.patient,
        domain="transport",
        priority="low",
        status="met",
        days_ago=1,
    )
    make_need(actor=world.case_manager, patient=world.other_patient, domain="food", priority="urgent")
    current = api_client(world.psychiatrist).get(needs_url(world), {"current": "true"}).json()
    assert [(n["domain"], n["priority"], n["status"]) for n in current["results"]] == [
        ("housing", "urgent", "open"),
        ("income", "high", "open"),
        ("transport", "low", "met"),
    ]
    history = api_client(world.psychiatrist).get(needs_url(world)).json()
    assert history["count"] == 5
    assert [n["priority"] for n in history["results"] if n["domain"] == "housing"] == [
        "urgent",
        "low",
        "medium",
    ]
    open_only = selectors.current_needs(patient=world.patient, open_only=True)
    assert [n.domain for n in open_only] == ["housing", "income"]


def test_reads_are_audited_per_row(world, api_client):
    need = make_need(actor=world.case_manager, patient=world.patient)
    contact = make_contact(actor=world.case_manager, patient=world.patient)
    api_client(world.therapist).get(needs_url(world))
    api_client(world.therapist).get(contacts_url(world))
    assert AuditEvent.objects.filter(
        action="list",
        actor=world.therapist,
        object_type="needassessment",
        object_id=str(need.pk),
        patient_id=world.patient.pk,
    ).exists()
    assert AuditEvent.objects.filter(
        action="list",
        actor=world.therapist,
        object_type="contact",
        object_id=str(contact.pk),
        patient_id=world.patient.pk,
    ).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"domain": "astrology", "priority": "high", "assessed_on": "2025-01-01"}, "domain"),
        ({"domain": "housing", "priority": "extreme", "assessed_on": "2025-01-01"}, "priority"),
        ({"domain": "housing", "priority": "high", "assessed_on": "2099-01-01"}, "assessed_on"),
        ({"domain": "housing", "priority": "high"}, "assessed_on"),
        (
            {"domain": "housing", "priority": "high", "assessed_on": "2025-01-01", "notes": "x" * 2001},
            "notes",
        ),
    ],
)
def test_bad_need_input_writes_nothing(world, api_client, page_client, data, field):
    before = NeedAssessment.objects.count(), AuditEvent.objects.filter(action="create").count()
    response = api_client(world.case_manager).post(needs_url(world), data, format="json")
    assert response.status_code == 400 and list(response.json()) == [field]
    page = page_client(world.case_manager).post(
        reverse("casemanagement_need_create", args=[world.patient.pk]),
        {"status": "open", "notes": "", **data},
    )
    assert page.status_code == 400 and list(page.context["form"].errors) == [field]
    assert (NeedAssessment.objects.count(), AuditEvent.objects.filter(action="create").count()) == before


def test_future_assessment_date_message(world, api_client):
    response = api_client(world.case_manager).post(
        needs_url(world),
        {"domain": "housing", "priority": "high", "assessed_on": "2099-01-01"},
        format="json",
    )
    assert response.json() == {"assessed_on": ["The assessment date cannot be in the future."]}


def test_need_page_records_and_redirects(world, page_client):
    response = page_client(world.therapist).post(
        reverse("casemanagement_need_create", args=[world.patient.pk]),
        {
            "domain": "food",
            "priority": "medium",
            "status": "open",
            "assessed_on": timezone.localdate().isoformat(),
            "notes": "Skips meals",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Food need recorded." in response.content.decode()
    assert NeedAssessment.objects.get().assessed_by == world.therapist


@pytest.mark.parametrize("who", ["therapist", "psychiatrist", "case_manager"])
def test_any_team_member_logs_a_contact(world, api_client, who):
    response = api_client(getattr(world, who)).post(
        contacts_url(world),
        {
            "contacted_at": "2025-02-03T09:15:00Z",
            "channel": "in_person",
            "outcome": "reached",
            "notes": "Came to clinic",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["channel"] == "in_person"
    assert Contact.objects.get().recorded_by == getattr(world, who)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"contacted_at": "2025-02-03T09:15:00Z", "channel": "pigeon", "outcome": "reached"}, "channel"),
        ({"contacted_at": "2025-02-03T09:15:00Z", "channel": "phone", "outcome": "maybe"}, "outcome"),
        ({"contacted_at": "2099-02-03T09:15:00Z", "channel": "phone", "outcome": "reached"}, "contacted_at"),
        ({"contacted_at": "yesterday", "channel": "phone", "outcome": "reached"}, "contacted_at"),
    ],
)
def test_bad_contact_input_writes_nothing(world, api_client, data, field):
    response = api_client(world.therapist).post(contacts_url(world), data, format="json")
    assert response.status_code == 400 and list(response.json()) == [field]
    assert Contact.objects.count() == 0


def test_bad_contact_on_the_page_writes_nothing(world, page_client):
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = page_client(world.therapist).post(
        reverse("casemanagement_contact_create", args=[world.patient.pk]),
        {"contacted_at": future, "channel": "phone", "outcome": "reached"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"contacted_at": ["The contact cannot be in the future."]}
    assert "The contact cannot be in the future." in response.content.decode()
    assert Contact.objects.count() == 0


def test_admin_and_outsider_see_nothing_and_write_nothing(world, api_client):
    make_need(actor=world.case_manager, patient=world.patient)
    for user in (world.admin, world.outsider):
        client = api_client(user)
        assert client.get(needs_url(world)).status_code == 404
        assert (
            client.post(
                contacts_url(world),
                {"contacted_at": "2025-02-03T09:15:00Z", "channel": "phone", "outcome": "reached"},
                format="json",
            ).status_code
            == 404
        )
    assert Contact.objects.count() == 0 and NeedAssessment.objects.count() == 1


def test_case_management_page_shows_needs_referrals_and_contacts(world, page_client):
    make_need(
        actor=world.case_manager,
        patient=world.patient,
        domain="legal",
        priority="high",
        notes="Court date in May",
    )
    make_contact(
        actor=world.therapist, patient=world.patient, channel="video", notes="Checked in after session"
    )
    response = page_client(world.psychiatrist).get(reverse("casemanagement_patient", args=[world.patient.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Court date in May" in body and "Checked in after session" in body
    assert "New referral" not in body  # only the case manager refers
    assert AuditEvent.objects.filter(
        actor=world.psychiatrist, action="view", object_type="needassessment"
    ).exists()
