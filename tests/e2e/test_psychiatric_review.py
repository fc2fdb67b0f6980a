"""Priya (psychiatrist) works through the psychiatric review list: Jordan Avery is on it because
his PHQ-9 has not come down by half in 11 weeks. She opens his page from the list, sees the
PHQ-9 trend chart, marks the review done, and he leaves the list."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flags.models import Flag
from tests.careteam.factories import PASSWORD
from therapy import services as therapy_services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_psychiatrist_reviews_a_patient_who_is_not_improving(world, live_server, page):
    today = timezone.localdate()
    for total, weeks_ago in ((18, 11), (16, 4), (15, 0)):
        therapy_services.assessment_record(
            actor=world.therapist,
            patient=world.patient,
            instrument="PHQ9",
            answers=[3] * (total // 3) + [0] * (9 - total // 3),
            administered_on=today - datetime.timedelta(weeks=weeks_ago),
        )
    assert Flag.objects.filter(patient=world.patient, category="clinical_change").exists()

    base = live_server.url
    sign_in(page, base, "priya", PASSWORD)
    page.goto(f"{base}/caseload/review/")
    rows = page.locator("#review-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Avery, Jordan")
    expect(rows.first).to_contain_text("Not yet")
    expect(rows.first).to_contain_text("18 → 15")

    # From the list to the patient: the trend chart draws his three PHQ-9s.
    rows.first.get_by_role("link", name="Avery, Jordan").click()
    expect(page.get_by_role("heading", name="Jordan Avery", exact=True)).to_be_visible()
    chart = page.locator("#measure-trend svg")
    expect(chart).to_be_visible()
    expect(chart.locator('g[data-series="PHQ9"] polyline')).to_have_count(1)
    expect(chart.locator('g[data-series="PHQ9"] circle')).to_have_count(3)
    expect(chart.locator("desc")).to_contain_text("PHQ-9: 3 measures, from 18")
    timeline = page.locator(f'a[href="/patients/{world.patient.pk}/timeline/"]')
    if timeline.count():
        expect(timeline.first).to_be_visible()
    expect(page.get_by_text("Waiting for psychiatric review since")).to_be_visible()

    # Back on the list, she marks the review done and Jordan leaves it.
    page.goto(f"{base}/caseload/review/")
    page.get_by_role("button", name="Mark the review of Jordan Avery done").click()
    expect(page.get_by_text("Psychiatric review of Jordan Avery marked done.")).to_be_visible()
    expect(page.get_by_text("Nobody is waiting for a psychiatric review.")).to_be_visible()
    expect(page.locator("#review-list")).not_to_contain_text("Avery")
    page.get_by_role("link", name="Reviewed").click()
    expect(page.locator("#review-list")).to_contain_text("Avery, Jordan")
    flag = Flag.objects.get(patient=world.patient, category="clinical_change")
    assert flag.status == "resolved" and flag.resolution_note == "Psychiatric review done"
