"""The case-management part of the patient page: current needs, open referrals (overdue ones
marked) and the last contact, for the care team only."""

import datetime

from django.urls import reverse
from django.utils import timezone

from casemanagement.models import Referral
from tests.casemanagement.factories import make_contact, make_need, make_referral, make_resource
from tests.insights.page_audit import shown


def test_section_shows_needs_open_referrals_and_last_contact(world, page_client):
    make_need(
        actor=world.case_manager, patient=world.patient, domain="housing", priority="medium", days_ago=30
    )
    make_need(
        actor=world.case_manager, patient=world.patient, domain="housing", priority="urgent", days_ago=2
    )
    make_need(actor=world.case_manager, patient=world.patient, domain="food", priority="low", status="met")
    today = timezone.localdate()
    make_referral(
        actor=world.case_manager,
        patient=world.patient,
        steps=["sent"],
        resource=make_resource(actor=world.case_manager, name="Benefits Line"),
        follow_up_on=today - datetime.timedelta(days=1),
    )
    make_referral(
        actor=world.case_manager,
        patient=world.patient,
        resource=make_resource(actor=world.case_manager, name="Job Club"),
        follow_up_on=today + datetime.timedelta(days=9),
    )
    make_referral(
        actor=world.case_manager,
        patient=world.patient,
        resource=make_resource(actor=world.case_manager, name="Finished Thing"),
        steps=["sent", "accepted", "in_progress", "completed", "closed"],
    )
    make_contact(actor=world.case_manager, patient=world.patient, hours_ago=50, channel="letter")
    make_contact(
        actor=world.therapist, patient=world.patient, hours_ago=3, channel="video", outcome="left_message"
    )

    response = page_client(world.therapist).get(reverse("patient_detail", args=[world.patient.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    section = body[body.index('id="casemanagement-heading"') :]
    assert 'Housing: <span class="badge urgent">Urgent</span>' in section
    assert "Medium" not in section  # superseded by the re-assessment
    assert "Food:" not in section  # met
    assert "Benefits Line" in section and "Job Club" in section and "Finished Thing" not in section
    assert "1 overdue follow-up" in section
    assert section.index("Benefits Line") < section.index("Job Club")  # overdue first
    assert '<tr class="overdue">' in section
    assert "video, left message (Theo Rivera)" in section
    assert reverse("casemanagement_patient", args=[world.patient.pk]) in section
    # One audit row for the page, naming the open referrals it showed.
    assert shown(actor=world.therapist, patient=world.patient, kind="referral") == {
        str(pk)
        for pk in Referral.objects.filter(
            patient=world.patient, resource__name__in=["Benefits Line", "Job Club"]
        ).values_list("pk", flat=True)
    }


def test_admin_sees_demographics_but_no_case_management(world, page_client):
    make_need(actor=world.case_manager, patient=world.patient, notes="Private circumstances")
    response = page_client(world.admin).get(reverse("patient_detail", args=[world.patient.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="casemanagement-heading"' not in body and "Private circumstances" not in body
