"""Safety first: the registry marks the patients with an open safety flag or a PHQ-9 answer about
self-harm (item 9 above 0) in the last 30 days, and puts them first in the default order."""

import datetime

from django.urls import reverse
from django.utils import timezone

from flags import services as flags
from flags.models import Flag
from tests.insights.test_caseload import API, theos_patient, with_summary
from therapy import services as therapy_services

ITEM_9 = [1, 1, 1, 0, 0, 0, 0, 0, 2]  # total 5, item 9 = 2


def answered_item_9(world, patient, days_ago):
    """A PHQ-9 with item 9 above 0, ``days_ago``; the urgent safety flag the rule raised is
    resolved, so only the answer itself keeps the patient marked."""
    therapy_services.assessment_record(
        actor=world.therapist,
        patient=patient,
        instrument="PHQ9",
        answers=ITEM_9,
        administered_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    for flag in Flag.objects.filter(patient=patient).exclude(status="resolved"):
        flags.flag_resolve(actor=world.therapist, flag=flag, note="Safety plan made")


def test_a_recent_item_9_answer_comes_first_and_is_marked(world, api_client, page_client):
    urgent = with_summary(world, baseline=20, latest=19, last_name="Aurgent")
    flags.flag_raise(
        actor=world.therapist, patient=urgent, category="social", severity="urgent", message="Eviction"
    )
    recent = theos_patient(world, last_name="Zrecent")
    answered_item_9(world, recent, days_ago=10)
    old = theos_patient(world, last_name="Yold")
    answered_item_9(world, old, days_ago=45)

    rows = api_client(world.therapist).get(API).json()["results"]
    assert rows[0]["patient"] == recent.pk and rows[0]["safety"] is True
    assert rows[1]["patient"] == urgent.pk and rows[1]["safety"] is False
    by_patient = {row["patient"]: row for row in rows}
    assert by_patient[old.pk]["safety"] is False  # more than 30 days ago
    response = page_client(world.therapist).get(reverse("caseload"))
    assert [row.pk for row in response.context["rows"]] == [row["patient"] for row in rows]
    body = response.content.decode()
    assert f'data-patient="{recent.pk}" data-status="baseline-only" data-safety="true"' in body
    assert f'data-patient="{urgent.pk}" data-status="not-improving">' in body
    assert "Safety first" in body


def test_an_open_safety_flag_comes_first(world, api_client):
    urgent = with_summary(world, baseline=20, latest=19, last_name="Aurgent")
    flags.flag_raise(
        actor=world.therapist, patient=urgent, category="social", severity="urgent", message="Eviction"
    )
    safety = with_summary(world, baseline=10, latest=3, last_name="Zsafety")
    flags.flag_raise(
        actor=world.therapist, patient=safety, category="safety", severity="routine", message="Said goodbye"
    )
    rows = api_client(world.therapist).get(API).json()["results"]
    assert [(row["patient"], row["safety"]) for row in rows[:2]] == [(safety.pk, True), (urgent.pk, False)]
