"""Medication events raise flags by themselves: a side-effect report, and repeated missed doses."""

import datetime

from django.test import override_settings

from flags.models import Flag, Notification
from tests.medication.factories import make_adherence, make_order, make_side_effect


def test_a_side_effect_report_raises_a_side_effect_flag_for_the_psychiatrist(world):
    report = make_side_effect(world, symptom="Tremor", severity="moderate")
    flag = Flag.objects.get()
    assert (flag.category, flag.severity, flag.raised_by) == ("side_effect", "routine", world.therapist)
    assert (flag.source_type, flag.source_id) == ("sideeffectreport", report.pk)
    assert "Tremor" in flag.message


def test_a_severe_side_effect_raises_an_urgent_flag(world):
    make_side_effect(world, symptom="Rash with fever", severity="severe")
    assert Flag.objects.get().severity == "urgent"


def test_the_flag_is_committed_with_the_report_and_delivered_after(
    world, api_client, django_capture_on_commit_callbacks, celery_eager
):
    order = make_order(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(world.therapist).post(
            f"/api/v1/patients/{world.patient.pk}/side-effects/",
            {
                "order": order.pk,
                "symptom": "Tremor",
                "severity": "mild",
                "onset_date": str(order.start_date + datetime.timedelta(days=3)),
            },
            format="json",
        )
    assert response.status_code == 201
    notes = Notification.objects.filter(channel="in_app")
    assert {(n.recipient.username, n.action_required) for n in notes} == {("priya", True), ("carmen", False)}


def _missed(world, order, days):
    for day in days:
        make_adherence(
            world, order=order, status="missed", observed_on=order.start_date + datetime.timedelta(days=day)
        )


@override_settings(NON_ADHERENCE_FLAG_AFTER=3)
def test_third_missed_dose_in_a_row_raises_one_non_adherence_flag(world):
    order = make_order(world)
    _missed(world, order, [1, 2])
    assert not Flag.objects.exists()  # two are not enough
    _missed(world, order, [3])
    flag = Flag.objects.get()
    assert (flag.category, flag.raised_by, flag.source_id) == ("non_adherence", None, order.pk)
    _missed(world, order, [4])  # the same run goes on: no second flag
    assert Flag.objects.count() == 1


@override_settings(NON_ADHERENCE_FLAG_AFTER=3)
def test_a_dose_taken_breaks_the_run(world):
    order = make_order(world)
    _missed(world, order, [1, 2])
    make_adherence(
        world, order=order, status="taken", observed_on=order.start_date + datetime.timedelta(days=3)
    )
    _missed(world, order, [4, 5])
    assert not Flag.objects.exists()


@override_settings(NON_ADHERENCE_FLAG_AFTER=2)
def test_the_threshold_is_configurable(world):
    order = make_order(world)
    _missed(world, order, [1, 2])
    assert Flag.objects.filter(category="non_adherence").count() == 1
