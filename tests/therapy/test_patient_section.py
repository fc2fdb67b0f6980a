"""The therapy part of the patient page: course progress, recent sessions with attendance,
latest PHQ-9 and GAD-7 with the change since the first."""

from django.urls import reverse

from tests.insights.page_audit import shown
from tests.therapy.factories import make_assessment, make_course, make_session
from therapy.selectors import measure_trends, sessions


def _patient_page(world, page_client, user):
    return page_client(user).get(reverse("patient_detail", args=[world.patient.pk]))


def test_section_shows_progress_sessions_and_measures(world, page_client):
    course = make_course(actor=world.therapist, patient=world.patient, planned_sessions=12)
    for days in (42, 35, 28, 21, 14, 7):
        make_session(actor=world.therapist, patient=world.patient, course=course, days_ago=days)
    make_session(
        actor=world.therapist, patient=world.patient, course=course, days_ago=3, attendance="no_show"
    )
    make_session(actor=world.therapist, patient=world.patient, course=course, days_ago=1, alliance_rating=8)
    # PHQ-9: 20 at baseline, 12 now: 8 points, 40% better. GAD-7 recorded once.
    make_assessment(
        actor=world.therapist, patient=world.patient, answers=[3, 3, 3, 3, 2, 2, 2, 2, 0], days_ago=60
    )
    make_assessment(
        actor=world.therapist, patient=world.patient, answers=[2, 2, 2, 2, 2, 1, 1, 0, 0], days_ago=30
    )
    make_assessment(actor=world.therapist, patient=world.patient, days_ago=2)  # 12
    make_assessment(actor=world.case_manager, patient=world.patient, instrument="GAD7", days_ago=2)
    response = _patient_page(world, page_client, world.case_manager)
    body = response.content.decode()
    assert response.status_code == 200
    assert "session 7 of 12" in body  # course progress, and the latest attended session
    assert "No-show" in body
    assert "12 on" in body and "Moderate" in body
    assert "\u22128 points (\u221240%)" in body
    assert "only one so far" in body  # GAD-7
    # One audit row for the page, naming the sessions the section showed.
    assert shown(actor=world.case_manager, patient=world.patient, kind="therapysession") == {
        str(session.pk) for session in sessions(patient=world.patient)[:5]
    }


def test_section_is_for_the_care_team_only(world, page_client):
    make_assessment(actor=world.therapist, patient=world.patient)
    body = _patient_page(world, page_client, world.admin).content.decode()
    assert 'id="therapy-heading"' not in body and "Open therapy" not in body


def test_change_percent_from_a_zero_baseline_is_not_shown(world):
    make_assessment(actor=world.therapist, patient=world.patient, answers=[0] * 9, days_ago=20)
    make_assessment(actor=world.therapist, patient=world.patient, answers=[1] * 9, days_ago=1)
    phq9 = measure_trends(patient=world.patient)[0]
    assert (phq9.change_points, phq9.change_percent, phq9.count) == (9, None, 2)


def test_the_first_is_the_earliest_by_date_not_by_entry(world):
    make_assessment(actor=world.therapist, patient=world.patient, answers=[1] * 9, days_ago=1)
    late_entry = make_assessment(
        actor=world.therapist, patient=world.patient, answers=[3] * 9, days_ago=90
    )  # the baseline, entered later
    phq9 = measure_trends(patient=world.patient)[0]
    assert phq9.first == late_entry and (phq9.change_points, phq9.change_percent) == (-18, -67)
