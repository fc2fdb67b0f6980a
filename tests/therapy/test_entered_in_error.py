"""Marking a PHQ-9/GAD-7, a session or a progress note entered in error: who may, what it
answers, and that the record then counts nowhere (registry, rules, trends) while it stays on
the lists, struck through and labelled."""

import pytest
from django.urls import reverse

from careteam.models import AuditEvent
from flags.models import Flag
from patients.models import PatientSummary
from tests.therapy.factories import make_assessment, make_session
from therapy import selectors, services
from therapy.models import Assessment, ProgressNote, TherapySession

PHQ9_ITEM9 = [1, 1, 1, 1, 1, 1, 1, 1, 2]  # 10, item 9 above 0
PHQ9_HIGH = [3, 3, 3, 2, 2, 2, 2, 2, 0]  # 19
PHQ9_LOW = [1, 1, 1, 1, 0, 0, 0, 0, 0]  # 4

pytestmark = pytest.mark.django_db


def in_error_url(name, patient, record):
    return reverse(name, kwargs={"patient_id": patient.pk, "record_id": record.pk})


def caseload_row(api_client, user, patient):
    data = api_client(user).get(reverse("api_caseload")).json()
    rows = data["results"] if isinstance(data, dict) else data
    return next(row for row in rows if row["patient"] == patient.pk)


def counts():
    return (
        Assessment.objects.filter(entered_in_error_at__isnull=False).count(),
        TherapySession.objects.filter(entered_in_error_at__isnull=False).count(),
        ProgressNote.objects.filter(entered_in_error_at__isnull=False).count(),
        AuditEvent.objects.filter(action="entered_in_error").count(),
        Flag.objects.filter(status="resolved").count(),
    )


# --- the acceptance test ------------------------------------------------------------------------


def test_a_back_dated_baseline_entered_in_error_gives_the_registry_its_old_baseline(world, api_client):
    w = world
    make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_HIGH, days_ago=60)  # 19
    make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_LOW, days_ago=1)  # 4
    before = caseload_row(api_client, w.therapist, w.patient)
    assert (before["phq9_baseline"], before["phq9_latest"]) == (19, 4)
    # A PHQ-9 typed in for the wrong date, long before: it becomes the baseline.
    wrong = make_assessment(actor=w.psychiatrist, patient=w.patient, answers=PHQ9_LOW, days_ago=400)
    assert caseload_row(api_client, w.therapist, w.patient)["phq9_baseline"] == 4

    response = api_client(w.psychiatrist).post(
        in_error_url("api_assessment_entered_in_error", w.patient, wrong),
        {"reason": "Wrong date: this was the GAD-7 day."},
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["entered_in_error"] is True
    assert body["entered_in_error_reason"] == "Wrong date: this was the GAD-7 day."
    assert body["entered_in_error_by"] == w.psychiatrist.pk
    assert body["entered_in_error_at"]
    row = caseload_row(api_client, w.therapist, w.patient)
    assert (row["phq9_baseline"], row["phq9_latest"]) == (19, 4)
    assert row["phq9_baseline_on"] == before["phq9_baseline_on"]
    summary = PatientSummary.objects.get(patient=w.patient)
    assert summary.phq9_count == 2
    event = AuditEvent.objects.get(action="entered_in_error")
    assert (event.actor, event.object_type, event.object_id) == (w.psychiatrist, "assessment", str(wrong.pk))


# --- who may, and bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "author", "make"),
    [
        ("api_assessment_entered_in_error", "psychiatrist", "assessment"),
        ("api_therapy_session_entered_in_error", "therapist", "session"),
        ("api_progress_note_entered_in_error", "therapist", "note"),
    ],
)
def test_only_the_author_others_403_outsiders_404(world, api_client, url_name, author, make):
    w = world
    record = {
        "assessment": lambda: make_assessment(actor=w.psychiatrist, patient=w.patient),
        "session": lambda: make_session(actor=w.therapist, patient=w.patient),
        "note": lambda: services.progress_note_create(actor=w.therapist, patient=w.patient, text="Note."),
    }[make]()
    url = in_error_url(url_name, w.patient, record)
    before = counts()
    for user, code in (
        *(
            (getattr(w, role), 403)
            for role in ("therapist", "psychiatrist", "case_manager")
            if role != author
        ),
        (w.outsider, 404),
        (w.admin, 404),
    ):
        assert api_client(user).post(url, {"reason": "Wrong patient."}, format="json").status_code == code
    assert counts() == before
    assert (
        api_client(getattr(w, author)).post(url, {"reason": "Wrong patient."}, format="json").status_code
        == 200
    )
    record.refresh_from_db()
    assert record.entered_in_error


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_no_reason_is_400_and_nothing_written(world, api_client, payload):
    w = world
    session = make_session(actor=w.therapist, patient=w.patient)
    before = counts()
    response = api_client(w.therapist).post(
        in_error_url("api_therapy_session_entered_in_error", w.patient, session), payload, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    assert counts() == before
    session.refresh_from_db()
    assert not session.entered_in_error


def test_twice_is_400(world, api_client):
    w = world
    note = services.progress_note_create(actor=w.therapist, patient=w.patient, text="Note.")
    url = in_error_url("api_progress_note_entered_in_error", w.patient, note)
    client = api_client(w.therapist)
    assert client.post(url, {"reason": "Wrong patient."}, format="json").status_code == 200
    before = counts()
    response = client.post(url, {"reason": "Again."}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert counts() == before


def test_a_record_of_another_patient_is_404(world, api_client):
    w = world
    session = make_session(actor=w.outsider, patient=w.other_patient)
    url = reverse(
        "api_therapy_session_entered_in_error", kwargs={"patient_id": w.patient.pk, "record_id": session.pk}
    )
    assert api_client(w.therapist).post(url, {"reason": "x"}, format="json").status_code == 404


# --- recomputed and resolved --------------------------------------------------------------------


def test_an_item9_phq9_entered_in_error_resolves_its_flag_and_the_safety_answer(world, api_client):
    w = world
    earlier = make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_ITEM9, days_ago=50)
    wrong = make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_ITEM9, days_ago=1)
    summary = PatientSummary.objects.get(patient=w.patient)
    assert summary.safety_answer_on == wrong.administered_on
    flag = Flag.objects.get(source_type="assessment", source_id=wrong.pk)

    services.assessment_enter_in_error(actor=w.therapist, assessment=wrong, reason="Other patient's form.")

    flag.refresh_from_db()
    assert flag.status == "resolved"
    assert flag.resolution_note == "Raised from a PHQ-9 that was marked entered in error."
    assert Flag.objects.get(source_type="assessment", source_id=earlier.pk).status != "resolved"
    summary.refresh_from_db()
    assert summary.safety_answer_on == earlier.administered_on
    services.assessment_enter_in_error(actor=w.therapist, assessment=earlier, reason="Also wrong.")
    summary.refresh_from_db()
    assert summary.safety_answer_on is None
    assert (summary.phq9_count, summary.phq9_baseline, summary.phq9_latest) == (0, None, None)


def test_an_attended_session_entered_in_error_gives_the_previous_last_contact(world):
    w = world
    earlier = make_session(actor=w.therapist, patient=w.patient, days_ago=20)
    wrong = make_session(actor=w.therapist, patient=w.patient, days_ago=2)
    assert PatientSummary.objects.get(patient=w.patient).last_contact_at == wrong.starts_at
    services.therapy_session_enter_in_error(actor=w.therapist, session=wrong, reason="Never happened.")
    assert PatientSummary.objects.get(patient=w.patient).last_contact_at == earlier.starts_at


def test_missed_sessions_flag_resolved_and_the_rule_skips_sessions_in_error(world, settings):
    w = world
    settings.MISSED_SESSIONS_FLAG_AFTER = 2
    first = make_session(actor=w.therapist, patient=w.patient, days_ago=14, attendance="no_show")
    second = make_session(actor=w.therapist, patient=w.patient, days_ago=7, attendance="no_show")
    flag = Flag.objects.get(category="missed_sessions")
    assert flag.source_id == second.pk
    services.therapy_session_enter_in_error(actor=w.therapist, session=second, reason="She came.")
    flag.refresh_from_db()
    assert flag.status == "resolved"
    assert flag.resolution_note == "Raised from a therapy session that was marked entered in error."
    # The next no-show makes two in a row again only with the counted sessions.
    services.therapy_session_enter_in_error(actor=w.therapist, session=first, reason="Wrong day.")
    make_session(actor=w.therapist, patient=w.patient, days_ago=1, attendance="no_show")
    assert Flag.objects.filter(category="missed_sessions").exclude(status="resolved").count() == 0


def test_no_improvement_rules_skip_measures_in_error(world, settings):
    w = world
    settings.NO_IMPROVEMENT_WEEKS = 10
    wrong = make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_HIGH, days_ago=100)
    services.assessment_enter_in_error(actor=w.therapist, assessment=wrong, reason="Wrong patient.")
    make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_HIGH, days_ago=1)
    assert not Flag.objects.filter(category="clinical_change").exists()
    assert services.phq9_review_flags_raise() == 0
    assert not Flag.objects.filter(category="clinical_change").exists()


def test_trends_and_course_numbering_leave_records_in_error_out(world):
    w = world
    wrong = make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_HIGH, days_ago=30)
    make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_LOW, days_ago=1)
    services.assessment_enter_in_error(actor=w.therapist, assessment=wrong, reason="Wrong patient.")
    phq9 = next(t for t in selectors.measure_trends(patient=w.patient) if t.instrument == "PHQ9")
    assert phq9.count == 1 and phq9.first.total == 4


# --- pages --------------------------------------------------------------------------------------


def test_page_form_marks_and_the_lists_strike_it_through(world, page_client):
    w = world
    assessment = make_assessment(actor=w.therapist, patient=w.patient)
    session = make_session(actor=w.therapist, patient=w.patient)
    note = services.progress_note_create(actor=w.therapist, patient=w.patient, text="Wrong chart.")
    client = page_client(w.therapist)
    detail = client.get(
        reverse(
            "therapy_assessment_detail", kwargs={"patient_id": w.patient.pk, "assessment_id": assessment.pk}
        )
    )
    assert "Mark entered in error" in detail.content.decode()
    edit = client.get(
        reverse("therapy_session_edit", kwargs={"patient_id": w.patient.pk, "session_id": session.pk})
    )
    assert "Mark entered in error" in edit.content.decode()
    overview = client.get(reverse("therapy_overview", kwargs={"patient_id": w.patient.pk})).content.decode()
    assert "Mark entered in error" in overview and "Entered in error" not in overview.replace(
        "Mark entered in error", ""
    )
    for name, record in (
        ("therapy_assessment_entered_in_error", assessment),
        ("therapy_session_entered_in_error", session),
        ("therapy_progress_note_entered_in_error", note),
    ):
        response = client.post(in_error_url(name, w.patient, record), {"reason": "Wrong chart."})
        assert response.status_code == 302
        record.refresh_from_db()
        assert record.entered_in_error
    overview = client.get(reverse("therapy_overview", kwargs={"patient_id": w.patient.pk})).content.decode()
    assert overview.count('<strong class="in-error">Entered in error</strong>') == 3
    assert "<del>" in overview and 'class="entered-in-error"' in overview
    detail = client.get(
        reverse(
            "therapy_assessment_detail", kwargs={"patient_id": w.patient.pk, "assessment_id": assessment.pk}
        )
    ).content.decode()
    assert "Entered in error" in detail and "Wrong chart." in detail


def test_page_without_a_reason_is_400_and_nothing_written(world, page_client):
    w = world
    note = services.progress_note_create(actor=w.therapist, patient=w.patient, text="Note.")
    before = counts()
    response = page_client(w.therapist).post(
        in_error_url("therapy_progress_note_entered_in_error", w.patient, note), {"reason": ""}
    )
    assert response.status_code == 400
    assert "Say why this record is wrong." in response.content.decode()
    assert counts() == before


def test_the_form_is_shown_to_the_author_only(world, page_client):
    w = world
    assessment = make_assessment(actor=w.psychiatrist, patient=w.patient)
    services.progress_note_create(actor=w.therapist, patient=w.patient, text="Note.")
    url = reverse(
        "therapy_assessment_detail", kwargs={"patient_id": w.patient.pk, "assessment_id": assessment.pk}
    )
    assert "Mark entered in error" not in page_client(w.therapist).get(url).content.decode()
    assert "Mark entered in error" in page_client(w.psychiatrist).get(url).content.decode()
    overview = reverse("therapy_overview", kwargs={"patient_id": w.patient.pk})
    assert "Mark entered in error" not in page_client(w.psychiatrist).get(overview).content.decode()


def test_a_session_in_error_cannot_be_edited(world, api_client):
    w = world
    session = make_session(actor=w.therapist, patient=w.patient)
    services.therapy_session_enter_in_error(actor=w.therapist, session=session, reason="Wrong patient.")
    response = api_client(w.therapist).patch(
        reverse("api_therapy_session_detail", kwargs={"patient_id": w.patient.pk, "session_id": session.pk}),
        {"duration_minutes": 30, "version": 1},
        format="json",
    )
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.duration_minutes == 50


def test_timeline_keeps_records_in_error_marked(world, api_client):
    w = world
    session = make_session(actor=w.therapist, patient=w.patient)
    services.therapy_session_enter_in_error(actor=w.therapist, session=session, reason="Wrong patient.")
    data = (
        api_client(w.therapist)
        .get(reverse("api_patient_timeline", kwargs={"patient_id": w.patient.pk}))
        .json()
    )
    entries = data["results"] if isinstance(data, dict) and "results" in data else data.get("entries", data)
    mine = [e for e in entries if e.get("kind") == "therapy_session"]
    assert mine and mine[0]["entered_in_error"] is True


def test_chart_points_leave_measures_in_error_out_and_the_timeline_marks_them(world, api_client):
    from insights.components import therapy as component

    w = world
    wrong = make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_HIGH, days_ago=30)
    kept = make_assessment(actor=w.therapist, patient=w.patient, answers=PHQ9_LOW, days_ago=1)
    services.assessment_enter_in_error(actor=w.therapist, assessment=wrong, reason="Wrong patient.")
    assert component.measure_points(w.patient.pk) == [(kept.administered_on, "PHQ9", 4)]
    entries = component.timeline_entries(
        patient_id=w.patient.pk, since=None, until=None, before=None, limit=10
    )
    marked = {entry.id: entry.entered_in_error for entry in entries if entry.kind == "measure"}
    assert marked == {wrong.pk: True, kept.pk: False}


def test_a_no_show_in_error_does_not_count_towards_missed_sessions(world, settings):
    w = world
    settings.MISSED_SESSIONS_FLAG_AFTER = 2
    make_session(actor=w.therapist, patient=w.patient, days_ago=30)
    wrong = make_session(actor=w.therapist, patient=w.patient, days_ago=14, attendance="no_show")
    services.therapy_session_enter_in_error(actor=w.therapist, session=wrong, reason="She came.")
    make_session(actor=w.therapist, patient=w.patient, days_ago=7, attendance="no_show")
    assert not Flag.objects.filter(category="missed_sessions").exists()
    make_session(actor=w.therapist, patient=w.patient, days_ago=1, attendance="no_show")
    assert Flag.objects.filter(category="missed_sessions").count() == 1
