"""Corrections: a needs assessment, a referral or a contact marked entered in error by its
author stays in the lists (struck through, labelled) and counts nowhere else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from casemanagement import selectors
from casemanagement.models import Contact, NeedAssessment, Referral
from flags.models import Flag
from flags.services import flag_raise
from insights.components import casemanagement as component
from patients.models import PatientSummary
from tests.casemanagement.factories import make_contact, make_need, make_referral


def api_url(world, collection, record):
    return f"/api/v1/patients/{world.patient.pk}/{collection}/{record.pk}/entered-in-error/"


def marked():
    return (
        NeedAssessment.objects.filter(entered_in_error_at__isnull=False).count(),
        Referral.objects.filter(entered_in_error_at__isnull=False).count(),
        Contact.objects.filter(entered_in_error_at__isnull=False).count(),
        AuditEvent.objects.filter(action="entered_in_error").count(),
    )


def records(world):
    return {
        "needs": make_need(actor=world.case_manager, patient=world.patient),
        "referrals": make_referral(actor=world.case_manager, patient=world.patient),
        "contacts": make_contact(actor=world.case_manager, patient=world.patient),
    }


@pytest.mark.parametrize("collection", ["needs", "referrals", "contacts"])
def test_the_author_marks_a_record_entered_in_error(world, api_client, collection):
    record = records(world)[collection]
    response = api_client(world.case_manager).post(
        api_url(world, collection, record), {"reason": "Wrong patient"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == record.pk and body["entered_in_error"] is True
    assert body["entered_in_error_reason"] == "Wrong patient"
    assert body["entered_in_error_by"] == world.case_manager.pk
    event = AuditEvent.objects.get(action="entered_in_error", object_id=str(record.pk))
    assert event.patient_id == world.patient.pk and "Wrong" not in str(event.changes)
    # still listed, marked
    listed = api_client(world.therapist).get(f"/api/v1/patients/{world.patient.pk}/{collection}/").json()
    assert [(r["id"], r["entered_in_error"]) for r in listed["results"]] == [(record.pk, True)]


@pytest.mark.parametrize("collection", ["needs", "referrals", "contacts"])
def test_others_on_the_team_get_403_outsiders_404_and_nothing_is_written(world, api_client, collection):
    record = records(world)[collection]
    before = marked()
    for who in (world.therapist, world.psychiatrist):
        response = api_client(who).post(api_url(world, collection, record), {"reason": "x"}, format="json")
        assert response.status_code == 403
    for who in (world.outsider, world.admin):
        response = api_client(who).post(api_url(world, collection, record), {"reason": "x"}, format="json")
        assert response.status_code == 404
    assert marked() == before


@pytest.mark.parametrize("collection", ["needs", "referrals", "contacts"])
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_no_reason_or_a_too_long_one_is_400_and_nothing_is_written(world, api_client, collection, body):
    record = records(world)[collection]
    before = marked()
    response = api_client(world.case_manager).post(api_url(world, collection, record), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert marked() == before


def test_a_record_is_marked_only_once(world, api_client):
    need = make_need(actor=world.case_manager, patient=world.patient)
    carmen = api_client(world.case_manager)
    assert carmen.post(api_url(world, "needs", need), {"reason": "Typo"}, format="json").status_code == 200
    before = marked()
    again = carmen.post(api_url(world, "needs", need), {"reason": "Again"}, format="json")
    assert again.status_code == 400 and list(again.json()) == ["reason"]
    assert marked() == before


def test_another_patients_record_is_404(world, api_client):
    need = make_need(actor=world.outsider, patient=world.other_patient)
    response = api_client(world.case_manager).post(
        api_url(world, "needs", need), {"reason": "x"}, format="json"
    )
    assert response.status_code == 404
    need.refresh_from_db()
    assert not need.entered_in_error


def test_a_need_entered_in_error_makes_the_earlier_assessment_current_again(world, api_client):
    make_need(actor=world.therapist, patient=world.patient, domain="housing", priority="low", days_ago=10)
    wrong = make_need(actor=world.case_manager, patient=world.patient, domain="housing", priority="urgent")
    only = make_need(actor=world.case_manager, patient=world.patient, domain="food", priority="high")
    carmen = api_client(world.case_manager)
    carmen.post(api_url(world, "needs", wrong), {"reason": "Other patient's need"}, format="json")
    carmen.post(api_url(world, "needs", only), {"reason": "Duplicate"}, format="json")
    current = carmen.get(f"/api/v1/patients/{world.patient.pk}/needs/", {"current": "true"}).json()
    assert [(n["domain"], n["priority"]) for n in current["results"]] == [("housing", "low")]
    assert [n.domain for n in selectors.current_needs(patient=world.patient, open_only=True)] == ["housing"]


def test_a_referral_entered_in_error_is_not_open_overdue_nor_a_follow_up(world, api_client):
    past = timezone.localdate() - datetime.timedelta(days=3)
    keep = make_referral(
        actor=world.case_manager,
        patient=world.patient,
        follow_up_on=timezone.localdate() + datetime.timedelta(days=9),
    )
    wrong = make_referral(actor=world.case_manager, patient=world.patient)
    Referral.objects.filter(pk=wrong.pk).update(follow_up_on=past)  # became overdue
    assert selectors.overdue_count(patient=world.patient) == 1
    carmen = api_client(world.case_manager)
    response = carmen.post(api_url(world, "referrals", wrong), {"reason": "Wrong resource"}, format="json")
    assert response.status_code == 200 and response.json()["overdue"] is False
    assert selectors.overdue_count(patient=world.patient) == 0
    assert [r.pk for r in selectors.open_referrals(patient=world.patient)] == [keep.pk]
    assert list(selectors.overdue_referrals(actor=world.case_manager)) == []
    row = PatientSummary.objects.get(patient=world.patient)
    assert row.follow_up_dates == [keep.follow_up_on.isoformat()]
    assert row.follow_up_due_on == keep.follow_up_on
    assert carmen.get("/api/v1/follow-ups/").json()["results"] == []
    # and it no longer moves
    step = carmen.post(
        f"/api/v1/patients/{world.patient.pk}/referrals/{wrong.pk}/status/", {"status": "sent"}, format="json"
    )
    assert step.status_code == 400 and list(step.json()) == ["status"]
    wrong.refresh_from_db()
    assert wrong.status == "draft"


def test_a_contact_entered_in_error_no_longer_is_the_last_contact(world, api_client, page_client):
    earlier = make_contact(actor=world.therapist, patient=world.patient, hours_ago=48)
    wrong = make_contact(actor=world.case_manager, patient=world.patient, hours_ago=1)
    row = PatientSummary.objects.get(patient=world.patient)
    assert row.last_contact_at == wrong.contacted_at
    response = api_client(world.case_manager).post(
        api_url(world, "contacts", wrong), {"reason": "Logged for the wrong patient"}, format="json"
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.last_contact_at == earlier.contacted_at
    assert selectors.last_contact(patient=world.patient) == earlier
    # the only contact entered in error: none left
    api_client(world.therapist).post(
        api_url(world, "contacts", earlier), {"reason": "Never happened"}, format="json"
    )
    row.refresh_from_db()
    assert row.last_contact_at is None
    assert selectors.latest_contact_at(world.patient.pk) is None


def test_flags_a_rule_raised_about_the_referral_are_resolved(world, api_client):
    referral = make_referral(actor=world.case_manager, patient=world.patient)
    by_rule = flag_raise(
        actor=None,
        patient=world.patient,
        category="social",
        severity="routine",
        message="Referral needs attention",
        source_type="referral",
        source_id=referral.pk,
        rule_key=f"referral:{referral.pk}",
    )
    by_hand = flag_raise(
        actor=world.therapist,
        patient=world.patient,
        category="social",
        severity="routine",
        message="Asked about it",
        source_type="referral",
        source_id=referral.pk,
    )
    api_client(world.case_manager).post(
        api_url(world, "referrals", referral), {"reason": "Dup"}, format="json"
    )
    by_rule.refresh_from_db()
    by_hand.refresh_from_db()
    assert by_rule.status == Flag.Status.RESOLVED
    assert by_hand.status != Flag.Status.RESOLVED


def test_timeline_keeps_records_entered_in_error_marked_and_figures_leave_them_out(world, api_client):
    need = make_need(actor=world.case_manager, patient=world.patient)
    done = make_referral(
        actor=world.case_manager,
        patient=world.patient,
        steps=["sent", "accepted", "in_progress", "completed"],
    )
    failed = make_referral(
        actor=world.case_manager, patient=world.patient, steps=["sent", ("declined", "no_capacity")]
    )
    carmen = api_client(world.case_manager)
    carmen.post(api_url(world, "needs", need), {"reason": "Wrong domain"}, format="json")
    carmen.post(api_url(world, "referrals", failed), {"reason": "Never sent"}, format="json")
    entries = component.timeline_entries(
        patient_id=world.patient.pk, since=None, until=None, before=None, limit=50
    )
    marked_ids = {(e.source, e.id) for e in entries if e.entered_in_error}
    assert ("case_management.need", need.pk) in marked_ids
    failed_steps = {step.pk for step in failed.history.all()}
    done_steps = {step.pk for step in done.history.all()}
    assert {i for s, i in marked_ids if s == "case_management.referral"} == failed_steps
    assert done_steps <= {
        e.id for e in entries if not e.entered_in_error and e.source == "case_management.referral"
    }
    today = timezone.localdate()
    figures = component.team_metrics(patient_ids=[world.patient.pk], start=today, end=today)
    assert figures["referral_failure_reasons"]["value"] == []
    completion = figures["referral_completion_rate"]
    assert (completion["numerator"], completion["denominator"]) == (1, 1)


# --- pages --------------------------------------------------------------------------------------


def page_url(world, kind, record):
    return reverse(f"casemanagement_{kind}_entered_in_error", args=[world.patient.pk, record.pk])


@pytest.mark.parametrize(
    "kind,collection", [("need", "needs"), ("referral", "referrals"), ("contact", "contacts")]
)
def test_page_form_marks_it_and_the_list_shows_it_struck_through(world, page_client, kind, collection):
    record = records(world)[collection]
    carmen = page_client(world.case_manager)
    listing = carmen.get(reverse("casemanagement_patient", args=[world.patient.pk])).content.decode()
    assert page_url(world, kind, record) in listing
    form = carmen.get(page_url(world, kind, record))
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    response = carmen.post(page_url(world, kind, record), {"reason": "Entered for the wrong patient"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.entered_in_error and record.entered_in_error_reason == "Entered for the wrong patient"
    page = page_client(world.therapist).get(reverse("casemanagement_patient", args=[world.patient.pk]))
    html = page.content.decode()
    assert "entered-in-error" in html and "<del>" in html
    assert '<strong class="in-error">Entered in error</strong>' in html
    assert "Entered for the wrong patient" in html
    assert page_url(world, kind, record) not in html


def test_page_form_without_a_reason_is_400_and_others_get_403(world, page_client):
    need = make_need(actor=world.case_manager, patient=world.patient)
    before = marked()
    response = page_client(world.case_manager).post(page_url(world, "need", need), {"reason": ""})
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert page_client(world.therapist).get(page_url(world, "need", need)).status_code == 403
    assert (
        page_client(world.therapist).post(page_url(world, "need", need), {"reason": "x"}).status_code == 403
    )
    assert page_client(world.outsider).post(page_url(world, "need", need), {"reason": "x"}).status_code == 404
    assert marked() == before
    # the link is offered to the author only
    html = (
        page_client(world.therapist).get(reverse("casemanagement_patient", args=[world.patient.pk])).content
    )
    assert page_url(world, "need", need).encode() not in html


def test_referral_detail_shows_it_entered_in_error_without_a_status_form(world, page_client, api_client):
    referral = make_referral(actor=world.case_manager, patient=world.patient)
    api_client(world.case_manager).post(
        api_url(world, "referrals", referral), {"reason": "Dup"}, format="json"
    )
    page = page_client(world.case_manager).get(
        reverse("casemanagement_referral_detail", args=[world.patient.pk, referral.pk])
    )
    html = page.content.decode()
    assert "Entered in error" in html and page.context["form"] is None
