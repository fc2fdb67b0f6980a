"""Break-glass: Olivia, a therapist on Robin's team, is asked about Jordan (Theo's, Priya's and
Carmen's patient) in an emergency. She states a reason and reads Jordan's record for
BREAK_GLASS_MINUTES: reads answer 200, writes 403, Theo's psychotherapy notes stay hidden (404),
Ada the admin is told at once (in the app and by email, no patient data in the email), every read
is audited as break-glass and counted on the review, and afterwards Jordan is 404 to her again.
"""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from careteam.models import AuditEvent
from flags.models import Notification, OutboxMessage
from patients.models import BreakGlassGrant
from tests.therapy.factories import make_assessment, make_course, make_psychotherapy_note, make_session

REASON = "Jordan arrived at the crisis clinic; Theo unreachable"


def open_url(patient):
    return f"/api/v1/patients/{patient.pk}/break-glass/"


def counts():
    return (
        BreakGlassGrant.objects.count(),
        OutboxMessage.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.filter(action="break_glass").count(),
    )


@pytest.fixture
def records(world):
    course = make_course(actor=world.therapist, patient=world.patient)
    session = make_session(actor=world.therapist, patient=world.patient, course=course)
    assessment = make_assessment(actor=world.therapist, patient=world.patient)
    note = make_psychotherapy_note(
        actor=world.therapist, patient=world.patient, text="Private: the flooded house"
    )
    return {"session": session, "assessment": assessment, "note": note}


@pytest.fixture
def grant(world, records, api_client, django_capture_on_commit_callbacks, celery_eager):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(world.outsider).post(open_url(world.patient), {"reason": REASON}, format="json")
    assert response.status_code == 201, response.content
    grant = BreakGlassGrant.objects.get(clinician=world.outsider, patient=world.patient)
    assert response.json()["id"] == grant.pk
    return grant


def test_before_the_glass_is_broken_the_record_is_not_found(world, records, api_client):
    assert api_client(world.outsider).get(f"/api/v1/patients/{world.patient.pk}/").status_code == 404


def test_a_grant_lasts_break_glass_minutes(world, grant):
    assert settings.BREAK_GLASS_MINUTES == 60
    assert grant.expires_at - grant.started_at == datetime.timedelta(minutes=60)
    assert grant.reason == REASON


def test_reads_answer_200_under_a_grant(world, grant, records, api_client, page_client):
    api = api_client(world.outsider)
    p = world.patient.pk
    for path in [
        f"/api/v1/patients/{p}/",
        f"/api/v1/patients/{p}/care-team/",
        f"/api/v1/patients/{p}/care-plan/",
        f"/api/v1/patients/{p}/care-plan/goals/",
        f"/api/v1/patients/{p}/therapy-sessions/",
        f"/api/v1/patients/{p}/therapy-sessions/{records['session'].pk}/",
        f"/api/v1/patients/{p}/assessments/",
        f"/api/v1/patients/{p}/medication-orders/",
        f"/api/v1/patients/{p}/side-effects/",
        f"/api/v1/patients/{p}/referrals/",
        f"/api/v1/patients/{p}/flags/",
        f"/api/v1/patients/{p}/timeline/",
    ]:
        assert api.get(path).status_code == 200, path
    page = page_client(world.outsider)
    for name in ["patient_detail", "therapy_overview", "medication_page", "casemanagement_patient"]:
        assert page.get(reverse(name, args=[p])).status_code == 200, name


def test_writes_answer_403_and_write_nothing(world, grant, records, api_client, page_client):
    api = api_client(world.outsider)
    p = world.patient.pk
    # Each refusal leaves its "denied" row (patients.middleware), and nothing else is written.
    written = AuditEvent.objects.exclude(action__in=["view", "list", "denied"])
    before = (written.count(), Notification.objects.count())
    writes = [
        ("patch", f"/api/v1/patients/{p}/", {"phone": "555-0100"}),
        ("patch", f"/api/v1/patients/{p}/care-plan/", {"problems": "x"}),
        ("post", f"/api/v1/patients/{p}/care-plan/goals/", {"description": "x", "measurable_target": "y"}),
        ("post", f"/api/v1/patients/{p}/assessments/", {"instrument": "PHQ9", "answers": [0] * 9}),
        (
            "post",
            f"/api/v1/patients/{p}/flags/",
            {"category": "other", "severity": "routine", "message": "x"},
        ),
        ("post", f"/api/v1/patients/{p}/therapy-sessions/", {}),
        ("post", f"/api/v1/patients/{p}/side-effects/", {}),
        ("post", f"/api/v1/patients/{p}/referrals/", {}),
        ("post", f"/api/v1/patients/{p}/care-team/", {"user": world.outsider.pk, "role": "therapist"}),
        (
            "post",
            f"/api/v1/patients/{p}/assessments/{records['assessment'].pk}/entered-in-error/",
            {"reason": "wrong"},
        ),
    ]
    for method, path, data in writes:
        response = getattr(api, method)(path, data, format="json")
        assert response.status_code == 403, (method, path, response.status_code)
    page = page_client(world.outsider)
    for name in ["flag_create", "care_plan_edit", "goal_create", "patient_edit"]:
        assert page.post(reverse(name, args=[p]), {}).status_code == 403, name
    after = (written.count(), Notification.objects.count())
    assert after == before
    denied = AuditEvent.objects.filter(action="denied", actor=world.outsider, patient_id=p)
    assert denied.count() == len(writes) + 4
    records["assessment"].refresh_from_db()
    assert not records["assessment"].entered_in_error


def test_psychotherapy_notes_stay_hidden(world, grant, records, api_client, page_client):
    p, note = world.patient.pk, records["note"]
    api = api_client(world.outsider)
    assert api.get(f"/api/v1/patients/{p}/psychotherapy-notes/").status_code == 404
    assert api.get(f"/api/v1/patients/{p}/psychotherapy-notes/{note.pk}/").status_code == 404
    page = page_client(world.outsider)
    assert page.get(reverse("therapy_psychotherapy_note_list", args=[p])).status_code == 404
    assert page.get(reverse("therapy_psychotherapy_note_detail", args=[p, note.pk])).status_code == 404
    assert "flooded house" not in page.get(reverse("patient_detail", args=[p])).content.decode()
    assert "flooded house" not in page.get(reverse("therapy_overview", args=[p])).content.decode()


def test_the_patient_page_is_read_only_with_a_banner(world, grant, page_client):
    body = (
        page_client(world.outsider).get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    )
    until = timezone.localtime(grant.expires_at).strftime("%H:%M")
    assert f"Emergency access until {until} — every view is recorded" in body
    assert "Jordan Avery" in body and "Fewer depressive days" in body  # the record is shown
    for write in ["Raise a flag", "Edit care plan", "Add goal", "Edit details", "Start an order"]:
        assert write not in body, write
    # Theo (on the team) sees no banner and the write links.
    theirs = (
        page_client(world.therapist).get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    )
    assert "Emergency access until" not in theirs and "Raise a flag" in theirs


def test_the_component_pages_are_read_only_with_the_banner(world, grant, records, page_client):
    page = page_client(world.outsider)
    p = world.patient.pk
    hidden = {
        "therapy_overview": ["Record session", "Add course", "Add progress note", "Record PHQ-9"],
        "medication_page": [
            "Record an allergy",
            "Start an order",
            "Record adherence",
            "Report a side effect",
        ],
        "casemanagement_patient": ["Assess a need", "Log a contact", "New referral"],
    }
    for name, writes in hidden.items():
        body = page.get(reverse(name, args=[p])).content.decode()
        assert "Emergency access until" in body, name
        for write in writes:
            assert write not in body, (name, write)
    # The therapist on the team still has them.
    theirs = page_client(world.therapist).get(reverse("therapy_overview", args=[p])).content.decode()
    assert "Record session" in theirs and "Record PHQ-9" in theirs and "Emergency access until" not in theirs


def test_admins_are_notified_in_the_app_and_by_email_without_patient_data(world, grant, mailoutbox):
    in_app = Notification.objects.filter(kind="break_glass", channel="in_app")
    assert [(n.recipient, n.subject_id, n.patient_id) for n in in_app] == [
        (world.admin, grant.pk, world.patient.pk)
    ]
    assert in_app[0].action_required and "Olivia Other" in in_app[0].summary
    assert (
        Notification.objects.filter(kind="break_glass", channel="email", sent_at__isnull=False).count() == 1
    )
    assert OutboxMessage.objects.get(kind="break_glass").delivered_at is not None
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [world.admin.email]
    text = mail.subject + mail.body + mail.alternatives[0][0]
    assert f"grant {grant.pk}" in mail.subject
    assert reverse("break_glass_review") in mail.body
    patient = world.patient
    for phi in [patient.first_name, patient.last_name, patient.record_number, REASON, "crisis"]:
        assert phi not in text, phi
    # Nobody on the care team hears of it; the clinician is not told of her own grant.
    assert not Notification.objects.filter(kind="break_glass").exclude(recipient=world.admin).exists()


def test_delivery_is_exactly_once(world, grant, mailoutbox):
    from flags import services as flag_services

    outbox = OutboxMessage.objects.get(kind="break_glass")
    OutboxMessage.objects.filter(pk=outbox.pk).update(delivered_at=None)
    assert flag_services.flag_event_deliver(outbox_id=outbox.pk) == 0
    assert Notification.objects.filter(kind="break_glass").count() == 2
    assert len(mailoutbox) == 1


def test_the_admin_inbox_shows_the_grant(world, grant, page_client, api_client):
    body = page_client(world.admin).get(reverse("notifications_inbox")).content.decode()
    assert "Emergency access</a>: Olivia Other" in body
    row = api_client(world.admin).get("/api/v1/notifications/").json()["results"][0]
    assert row["kind"] == "break_glass" and row["subject"] == grant.pk and row["patient"] == world.patient.pk


def test_reads_are_audited_as_break_glass_and_counted(world, grant, records, api_client, page_client):
    api = api_client(world.outsider)
    p = world.patient.pk
    before = AuditEvent.objects.filter(changes__break_glass=grant.pk).count()
    assert before == 0
    assert api.get(f"/api/v1/patients/{p}/").status_code == 200  # one view row
    assert api.get(f"/api/v1/patients/{p}/assessments/").status_code == 200  # one list row per assessment
    assert page_client(world.outsider).get(reverse("patient_detail", args=[p])).status_code == 200
    marked = AuditEvent.objects.filter(changes__break_glass=grant.pk)
    assert marked.count() == 3
    assert set(marked.values_list("actor_id", "patient_id")) == {(world.outsider.pk, p)}
    assert set(marked.values_list("action", "object_type")) == {
        ("view", "patient"),
        ("list", "assessment"),
    }
    # The team's own reads are not marked.
    assert api_client(world.therapist).get(f"/api/v1/patients/{p}/").status_code == 200
    assert AuditEvent.objects.filter(changes__break_glass=grant.pk).count() == 3
    assert AuditEvent.objects.filter(actor=world.therapist, changes__has_key="break_glass").count() == 0
    # The review counts them.
    rows = api_client(world.admin).get("/api/v1/break-glass/").json()["results"]
    assert [(r["id"], r["clinician"], r["patient"], r["reason"], r["reads"]) for r in rows] == [
        (grant.pk, world.outsider.pk, p, REASON, 3)
    ]
    assert rows[0]["start"] and rows[0]["expires"]


def test_the_grant_itself_is_audited_with_ids_only(world, grant):
    row = AuditEvent.objects.get(action="break_glass")
    assert (row.actor, row.object_type, row.object_id, row.patient_id) == (
        world.outsider,
        "breakglassgrant",
        str(grant.pk),
        world.patient.pk,
    )
    assert row.changes == {"minutes": 60}


def test_lists_across_patients_gain_nothing(world, grant, api_client):
    api = api_client(world.outsider)
    assert [row["id"] for row in api.get("/api/v1/patients/").json()["results"]] == [world.other_patient.pk]
    assert [row["patient"] for row in api.get("/api/v1/caseload/").json()["results"]] == [
        world.other_patient.pk
    ]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_no_reason_is_400_and_writes_nothing(world, api_client, body):
    before = counts()
    response = api_client(world.outsider).post(open_url(world.patient), body, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why you need emergency access to this record."]}
    assert counts() == before
    assert api_client(world.outsider).get(f"/api/v1/patients/{world.patient.pk}/").status_code == 404


def test_a_reason_too_long_is_400(world, api_client):
    before = counts()
    response = api_client(world.outsider).post(open_url(world.patient), {"reason": "x" * 1001}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert counts() == before


def test_admins_may_not_break_the_glass(world, api_client):
    before = counts()
    response = api_client(world.admin).post(open_url(world.patient), {"reason": REASON}, format="json")
    assert response.status_code == 403
    assert counts() == before


def test_a_clinician_on_the_team_is_refused(world, api_client):
    before = counts()
    response = api_client(world.therapist).post(open_url(world.patient), {"reason": REASON}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "patient": ["You are on this patient's care team: open their record as usual."]
    }
    assert counts() == before


def test_a_patient_that_does_not_exist_is_404(world, api_client):
    before = counts()
    response = api_client(world.outsider).post(
        "/api/v1/patients/999999/break-glass/", {"reason": REASON}, format="json"
    )
    assert response.status_code == 404
    assert counts() == before


def test_anonymous_is_401(world, api_client):
    assert (
        api_client(None).post(open_url(world.patient), {"reason": REASON}, format="json").status_code == 401
    )


def test_after_expiry_the_patient_is_404_again(world, grant, api_client, page_client):
    api = api_client(world.outsider)
    p = world.patient.pk
    assert api.get(f"/api/v1/patients/{p}/").status_code == 200
    with time_machine.travel(grant.expires_at + datetime.timedelta(seconds=1)):
        assert api.get(f"/api/v1/patients/{p}/").status_code == 404
        assert api.get(f"/api/v1/patients/{p}/assessments/").status_code == 404
        assert page_client(world.outsider).get(reverse("patient_detail", args=[p])).status_code == 404
    with time_machine.travel(grant.expires_at - datetime.timedelta(minutes=1)):
        assert api.get(f"/api/v1/patients/{p}/").status_code == 200


def test_non_admins_may_not_review(world, grant, api_client, page_client):
    for user in [world.outsider, world.therapist, world.psychiatrist, world.case_manager]:
        assert api_client(user).get("/api/v1/break-glass/").status_code == 403
        assert page_client(user).get(reverse("break_glass_review")).status_code == 403
        assert (
            page_client(user).post(reverse("break_glass_mark_reviewed", args=[grant.pk])).status_code == 403
        )
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_the_admin_reviews_a_grant(world, grant, page_client):
    page = page_client(world.admin)
    body = page.get(reverse("break_glass_review")).content.decode()
    assert f'id="grant-{grant.pk}"' in body and REASON in body and "Mark reviewed" in body
    response = page.post(reverse("break_glass_mark_reviewed", args=[grant.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == world.admin and grant.reviewed_at is not None
    row = AuditEvent.objects.get(action="review")
    assert (row.actor, row.object_type, row.object_id, row.patient_id) == (
        world.admin,
        "breakglassgrant",
        str(grant.pk),
        world.patient.pk,
    )
    body = page.get(reverse("break_glass_review")).content.decode()
    assert re.search(r"Reviewed by Ada Admin", body)


def test_the_emergency_access_page_by_record_number(
    world, records, page_client, django_capture_on_commit_callbacks, celery_eager
):
    page = page_client(world.outsider)
    assert page.get(reverse("patient_detail", args=[world.patient.pk])).status_code == 404
    assert "emergency access" in page.get(reverse("patient_detail", args=[world.patient.pk])).content.decode()
    form = page.get(reverse("break_glass_request"))
    assert form.status_code == 200 and "Emergency access" in form.content.decode()
    # A record number that matches nobody exactly: 400, nothing written.
    before = counts()
    wrong = page.post(
        reverse("break_glass_request"), {"record_number": world.patient.record_number + "9", "reason": REASON}
    )
    assert wrong.status_code == 400 and "No patient has this record number." in wrong.content.decode()
    blank = page.post(
        reverse("break_glass_request"), {"record_number": world.patient.record_number, "reason": ""}
    )
    assert blank.status_code == 400 and "Say why you need emergency access" in blank.content.decode()
    assert counts() == before
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(
            reverse("break_glass_request"), {"record_number": world.patient.record_number, "reason": REASON}
        )
    assert response.status_code == 302 and response.url == reverse("patient_detail", args=[world.patient.pk])
    body = page.get(response.url).content.decode()
    assert "Emergency access until" in body and "Jordan Avery" in body


def test_the_emergency_access_page_is_for_clinicians(world, page_client):
    assert page_client(world.admin).get(reverse("break_glass_request")).status_code == 403
    assert page_client(None).get(reverse("break_glass_request")).status_code == 302
    nav = page_client(world.outsider).get(reverse("home"), follow=True).content.decode()
    assert reverse("break_glass_request") in nav
    assert (
        reverse("break_glass_request")
        not in page_client(world.admin).get(reverse("home"), follow=True).content.decode()
    )
