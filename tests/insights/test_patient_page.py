"""The composed patient page: one access decision, one audit row, a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from flags import services as flags
from flags.models import Flag
from medication import services as medication_services
from patients import access as patient_access
from patients import services as patient_services
from tests.casemanagement.factories import make_contact, make_need, make_referral, make_resource
from tests.insights.page_audit import patient_page_audit
from tests.medication.factories import make_adherence, make_order, make_side_effect
from tests.therapy.factories import make_assessment, make_session

MOST_QUERIES = 27  # the page of the template-tag days took 28


def grow(world, n):
    """``n`` records in every section of the page: sessions, measures, orders with a side effect
    and an adherence observation each, referrals, needs, contacts, flags, goals."""
    resource = make_resource(actor=world.case_manager)
    domains = ["housing", "income", "food", "legal", "transport"]
    for i in range(n):
        make_session(actor=world.therapist, patient=world.patient, days_ago=i + 1)
        make_assessment(actor=world.therapist, patient=world.patient, days_ago=i)
        make_assessment(actor=world.therapist, patient=world.patient, instrument="GAD7", days_ago=i)
        order = make_order(
            world,
            drug_name=f"Drug {n}-{i}",
            override_reason="A test series",
            start_date=timezone.localdate() - datetime.timedelta(days=60 + i),
        )
        make_side_effect(world, order=order, symptom=f"Symptom {i}")
        make_adherence(world, order=order)
        make_referral(
            actor=world.case_manager,
            patient=world.patient,
            resource=resource,
            follow_up_on=timezone.localdate() + datetime.timedelta(days=i),
        )
        make_need(actor=world.case_manager, patient=world.patient, domain=domains[i % 5], days_ago=i)
        make_contact(actor=world.case_manager, patient=world.patient, hours_ago=i + 1)
        flags.flag_raise(
            actor=world.case_manager,
            patient=world.patient,
            category="other",
            severity="routine",
            message=f"Note {i}",
        )
        medication_services.allergy_record(
            actor=world.therapist,
            patient=world.patient,
            substance=f"Substance {n}-{i}",
            reaction="Rash",
            severity="mild",
        )
        patient_services.goal_create(
            actor=world.therapist,
            patient=world.patient,
            description=f"Goal {i}",
            measurable_target="PHQ-9 < 5",
            target_date=timezone.localdate() + datetime.timedelta(days=90),
        )


def _queries(client, url) -> int:
    client.get(url)  # warm: the first request of a fresh session also saves that session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["therapist", "psychiatrist", "case_manager", "admin"])
def test_same_query_count_for_5_and_50_records_per_section(world, page_client, who):
    client = page_client(getattr(world, who))
    url = reverse("patient_detail", args=[world.patient.pk])
    grow(world, 5)
    small = _queries(client, url)
    grow(world, 45)
    large = _queries(client, url)
    assert large == small, f"{small} queries with 5 records per section, {large} with 50"
    assert large <= MOST_QUERIES, f"{large} queries"
    body = client.get(url).content.decode()
    if who != "admin":  # the care team sees every section, filled
        for heading in (
            "flags-heading",
            "plan-heading",
            "trend-heading",
            "therapy-heading",
            "medication-heading",
            "casemanagement-heading",
        ):
            assert f'id="{heading}"' in body, heading
        assert (
            "Symptom 44" in body and "Note 44" in body and "Substance 45-44 (Rash, mild)" in body
        )  # the second grow's last


def test_one_access_decision_and_one_audit_row(world, page_client, monkeypatch):
    grow(world, 3)
    decisions = []
    real_check = patient_access.check_patient

    def counted(user, patient_id, action):
        decisions.append(action.name)
        return real_check(user, patient_id, action)

    monkeypatch.setattr(patient_access, "check_patient", counted)
    before = AuditEvent.objects.count()
    response = page_client(world.psychiatrist).get(reverse("patient_detail", args=[world.patient.pk]))
    assert response.status_code == 200
    assert decisions == ["view demographics"]
    assert AuditEvent.objects.count() == before + 1
    row = patient_page_audit(actor=world.psychiatrist, patient=world.patient)
    shown = row.changes["shown"]
    assert set(shown) == {
        "allergy",
        "flag",
        "therapysession",
        "medicationorder",
        "sideeffectreport",
        "needassessment",
        "referral",
        "contact",
    }
    # Three flags raised by hand and three by the side-effect reports, all open.
    assert sorted(shown["flag"]) == sorted(
        Flag.objects.filter(patient=world.patient).values_list("pk", flat=True)
    )
    assert len(shown["flag"]) == 6 and len(shown["referral"]) == 3


def test_outsider_gets_404_and_nothing_is_audited_as_read(world, page_client):
    grow(world, 2)
    before = AuditEvent.objects.filter(action="view").count()
    response = page_client(world.outsider).get(reverse("patient_detail", args=[world.patient.pk]))
    assert response.status_code == 404
    assert "Jordan" not in response.content.decode()
    assert AuditEvent.objects.filter(action="view").count() == before


def test_admin_sees_demographics_and_team_only(world, page_client):
    grow(world, 2)
    body = page_client(world.admin).get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    assert "Jordan" in body and 'id="team-heading"' in body
    assert 'id="plan-heading"' not in body and "Symptom 1" not in body
    assert "shown" not in patient_page_audit(actor=world.admin, patient=world.patient).changes
