"""Priya (psychiatrist) starts sertraline for Jordan Avery, then raises the dose: the medication
page shows 100 mg as current and keeps 50 mg, with its dates, in the history."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from careteam.dates import day_text
from medication.models import MedicationOrder
from tests.careteam.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_psychiatrist_starts_an_ssri_and_changes_the_dose(world, live_server, page):
    base = live_server.url
    today = day_text(timezone.localdate())  # the one date format (careteam/dates.py)
    sign_in(page, base, "priya", PASSWORD)
    page.get_by_role("link", name="Avery, Jordan").click()
    expect(page.get_by_role("heading", name="Medication", exact=True)).to_be_visible()

    # Start sertraline 50 mg oral once daily.
    page.get_by_role("link", name="Start an order").click()
    page.get_by_label("Drug name").fill("Sertraline")
    page.get_by_label("Class").select_option("ssri")
    page.get_by_label("Dose").fill("50")
    page.get_by_label("Unit").select_option("mg")
    page.get_by_label("Route").select_option("oral")
    page.get_by_label("Frequency").select_option("once_daily")
    page.get_by_label("Indication").fill("Major depressive disorder")
    page.get_by_role("button", name="Start order").click()
    expect(page.get_by_text("Sertraline 50 mg oral once daily started.")).to_be_visible()
    current = page.locator("#current-medication")
    expect(current).to_contain_text("50 mg")

    # Change the dose to 100 mg: the form comes prefilled with the current values.
    page.get_by_role("link", name="Change Sertraline").click()
    expect(page.get_by_label("New dose")).to_have_value("50")
    expect(page.get_by_label("Frequency")).to_have_value("once_daily")
    page.get_by_label("New dose").fill("100")
    page.get_by_label("Reason for the change").fill("Partial response at 50 mg")
    page.get_by_role("button", name="Save change").click()
    expect(page.get_by_text("Sertraline changed: now 100 mg oral once daily.")).to_be_visible()

    # 100 mg is current; 50 mg stays in the history, ended on the change date.
    expect(current.locator("tbody tr")).to_have_count(1)
    expect(current).to_contain_text("100 mg")
    expect(current).not_to_contain_text("50 mg")
    history = page.locator("#medication-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("100 mg")
    expect(history.nth(0)).to_contain_text("Active")
    expect(history.nth(0)).to_contain_text("Dose changed from 50 mg to 100 mg")
    expect(history.nth(1)).to_contain_text("50 mg")
    expect(history.nth(1)).to_contain_text("Changed")
    expect(history.nth(1)).to_contain_text(today)

    # The patient page tells the same story.
    page.get_by_role("link", name="Back to the patient").click()
    # (the trend chart marks the change on its time axis too; this is the medication section)
    expect(
        page.get_by_role("listitem").filter(has_text="Sertraline: dose changed from 50 mg to 100 mg")
    ).to_be_visible()
    assert list(MedicationOrder.objects.order_by("id").values_list("status", flat=True)) == [
        "changed",
        "active",
    ]
