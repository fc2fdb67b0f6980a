"""Flags therapy raises by itself, through the flags layer (flags.services): a PHQ-9
item 9 above 0, two no-shows in a row, no 50% PHQ-9 improvement 10 weeks after the baseline."""

import datetime

import time_machine
from django.core import mail
from django.utils import timezone

from flags import services as flags
from flags.models import Flag, Notification
from tests.therapy.factories import make_assessment, make_session
from therapy import services
from therapy.services import therapy_session_update
from therapy.tasks import raise_phq9_review_flags

SELF_HARM = [1, 1, 1, 1, 1, 1, 1, 1, 1]  # item 9 = 1


def test_phq9_item_9_above_0_raises_an_urgent_safety_flag_for_everyone(
    world, api_client, django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(world.case_manager).post(
            f"/api/v1/patients/{world.patient.pk}/assessments/",
            {"instrument": "PHQ9", "answers": SELF_HARM},
            format="json",
        )
    assert response.status_code == 201
    flag = Flag.objects.get()
    assert (flag.category, flag.severity, flag.source_type, flag.source_id, flag.raised_by) == (
        "safety",
        "urgent",
        "assessment",
        response.json()["id"],
        None,
    )
    notified = set(
        Notification.objects.filter(flag=flag, channel="in_app").values_list("recipient__username", flat=True)
    )
    assert notified == {"theo", "priya", "carmen"}
    assert all(n.action_required for n in Notification.objects.filter(flag=flag))
    assert len(mail.outbox) == 3  # urgent: emailed to each member
    for message in mail.outbox:
        assert "Avery" not in message.subject + message.body


def test_no_flag_when_item_9_is_0_or_for_gad7(world):
    make_assessment(actor=world.therapist, patient=world.patient, answers=[3, 3, 3, 3, 3, 3, 3, 3, 0])
    make_assessment(actor=world.therapist, patient=world.patient, instrument="GAD7", answers=[3] * 7)
    assert not Flag.objects.exists()


def test_two_no_shows_in_a_row_raise_one_missed_sessions_flag(world):
    make_session(actor=world.therapist, patient=world.patient, days_ago=35)
    make_session(actor=world.therapist, patient=world.patient, days_ago=28, attendance="no_show")
    make_session(actor=world.therapist, patient=world.patient, days_ago=21, attendance="cancelled_by_patient")
    assert not Flag.objects.exists()  # one no-show (a cancellation neither breaks nor counts)
    second = make_session(actor=world.therapist, patient=world.patient, days_ago=7, attendance="scheduled")
    # Attendance recorded afterwards: the second no-show in a row.
    therapy_session_update(actor=world.therapist, session=second, version=1, attendance="no_show")
    flag = Flag.objects.get()
    assert (flag.category, flag.severity, flag.source_id, flag.raised_by) == (
        "missed_sessions",
        "routine",
        second.pk,
        None,
    )
    notified = {
        (n.recipient.username, n.action_required)
        for n in Notification.objects.filter(flag=flag, channel="in_app")
    }
    assert notified == set()  # delivery happens after the commit; routing is checked below
    # A third no-show belongs to the same run: no second flag.
    make_session(actor=world.therapist, patient=world.patient, days_ago=1, attendance="no_show")
    assert Flag.objects.count() == 1
    # After an attended session, a new run of two is a new trigger: while the first flag is
    # open it adds to that flag (a second flag only once the first is resolved, see below).
    make_session(actor=world.therapist, patient=world.patient, days_ago=0.9)
    make_session(actor=world.therapist, patient=world.patient, days_ago=0.6, attendance="no_show")
    assert Flag.objects.count() == 1
    make_session(actor=world.therapist, patient=world.patient, days_ago=0.2, attendance="no_show")
    assert Flag.objects.filter(category="missed_sessions").count() == 1
    assert Flag.objects.get(category="missed_sessions").repeats == 1


def test_missed_sessions_flag_reaches_case_manager_and_therapist_as_action(world):
    make_session(actor=world.therapist, patient=world.patient, days_ago=14, attendance="no_show")
    make_session(actor=world.therapist, patient=world.patient, days_ago=7, attendance="no_show")
    flag = Flag.objects.get()
    flags.flag_event_deliver(outbox_id=flag.outbox.get().pk)
    notified = {
        (n.recipient.username, n.action_required)
        for n in Notification.objects.filter(flag=flag, channel="in_app")
    }
    assert notified == {("theo", True), ("carmen", True), ("priya", False)}


def test_attended_session_breaks_the_run(world):
    for days, attendance in ((30, "no_show"), (20, "attended"), (10, "no_show")):
        make_session(actor=world.therapist, patient=world.patient, days_ago=days, attendance=attendance)
    assert not Flag.objects.exists()


def _phq9(world, total, days_ago):
    """A PHQ-9 with the given total (item 9 kept at 0)."""
    answers = [0] * 9
    for i in range(total):
        answers[i % 8] += 1
    return make_assessment(actor=world.therapist, patient=world.patient, answers=answers, days_ago=days_ago)


def test_no_50_percent_improvement_after_10_weeks_raises_a_review_flag(world):
    baseline = _phq9(world, 16, days_ago=80)  # 11 weeks ago
    latest = _phq9(world, 9, days_ago=0)  # 16 -> 9: 44% down, not remission
    flag = Flag.objects.get()
    assert (flag.category, flag.source_id, flag.rule_key, flag.raised_by) == (
        "clinical_change",
        latest.pk,
        f"phq9_not_improving:{baseline.pk}",
        None,
    )
    assert "Psychiatric review" in flag.message
    _phq9(world, 10, days_ago=0)
    assert Flag.objects.count() == 1  # once per baseline


def test_before_10_weeks_nothing_is_raised(world):
    _phq9(world, 16, days_ago=69)  # 9 weeks and 6 days
    _phq9(world, 15, days_ago=0)
    assert not Flag.objects.exists()


def test_a_drop_of_exactly_half_or_remission_raises_nothing(world):
    _phq9(world, 16, days_ago=84)
    _phq9(world, 8, days_ago=1)  # exactly 50%: response
    assert not Flag.objects.exists()


def test_remission_raises_nothing_even_below_half(world):
    _phq9(world, 6, days_ago=84)
    _phq9(world, 4, days_ago=1)  # 33% down but < 5: remission
    assert not Flag.objects.exists()


def test_the_daily_job_flags_patients_who_crossed_10_weeks_without_a_new_measure(world):
    with time_machine.travel(timezone.now() - datetime.timedelta(weeks=10)):
        baseline = _phq9(world, 18, days_ago=14)
        _phq9(world, 17, days_ago=0)  # two weeks in: too early for a flag
    assert not Flag.objects.exists()
    assert services.phq9_review_flags_raise() == 1
    assert Flag.objects.get().rule_key == f"phq9_not_improving:{baseline.pk}"
    assert services.phq9_review_flags_raise() == 0  # once
    assert raise_phq9_review_flags.apply().get() == 0  # the beat task calls the same service


def test_a_second_missed_sessions_run_adds_to_the_open_flag(world):
    for days in (60, 53):
        make_session(actor=world.therapist, patient=world.patient, days_ago=days, attendance="no_show")
    flag = Flag.objects.get()
    make_session(actor=world.therapist, patient=world.patient, days_ago=40)  # attended: the run ends
    for days in (30, 23):
        make_session(actor=world.therapist, patient=world.patient, days_ago=days, attendance="no_show")
    assert Flag.objects.count() == 1  # the second run adds to the open flag
    flag.refresh_from_db()
    assert (flag.repeats, flag.status) == (1, "open") and flag.last_repeated_at is not None
    assert flag.triggers.count() == 1
    # Once the team resolves it, the next run raises a new flag.
    flags.flag_resolve(actor=world.case_manager, flag=flag, note="Called; attending again")
    make_session(actor=world.therapist, patient=world.patient, days_ago=15)
    for days in (10, 3):
        make_session(actor=world.therapist, patient=world.patient, days_ago=days, attendance="no_show")
    assert Flag.objects.exclude(status="resolved").count() == 1
    assert Flag.objects.count() == 2


def test_a_second_no_improvement_trigger_adds_to_the_open_review_flag(world):
    _phq9(world, 16, days_ago=80)
    _phq9(world, 12, days_ago=0)  # 25% down after 11 weeks: a review flag
    flag = Flag.objects.get()
    # A PHQ-9 recorded late, dated before the first, becomes the baseline: a new trigger.
    _phq9(world, 14, days_ago=120)
    _phq9(world, 13, days_ago=0)
    assert Flag.objects.count() == 1
    flag.refresh_from_db()
    assert flag.repeats >= 1 and flag.status == "open"
