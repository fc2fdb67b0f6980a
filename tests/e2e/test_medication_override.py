"""Priya (psychiatrist) tries to add a second SSRI for Jordan Avery: the form warns her, she
gives an override reason, the order is made and shows the override; Theo's inbox then tells
him about the new order."""

import pytest
from playwright.sync_api import expect

from medication.models import MedicationOrder
from tests.careteam.factories import PASSWORD
from tests.e2e.test_medication_prescribe import sign_in
from tests.medication.factories import make_order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_psychiatrist_overrides_the_second_ssri_warning_and_the_therapist_is_told(
    world, live_server, page, browser, celery_eager
):
    make_order(world, drug_name="Fluoxetine", dose=20)
    base = live_server.url
    sign_in(page, base, "priya", PASSWORD)
    page.get_by_role("link", name="Avery, Jordan").click()
    page.get_by_role("link", name="Start an order").click()
    page.get_by_label("Drug name").fill("Sertraline")
    page.get_by_label("Dose").fill("50")
    page.get_by_label("Unit").select_option("mg")
    page.get_by_label("Route").select_option("oral")
    page.get_by_label("Frequency").select_option("once_daily")
    page.get_by_role("button", name="Start order").click()

    # Warned, and nothing made.
    expect(
        page.get_by_text("The patient already takes another SSRI: Fluoxetine.", exact=False)
    ).to_be_visible()
    assert not MedicationOrder.objects.filter(drug_name="Sertraline").exists()

    page.get_by_label("Override reason").fill("Cross-taper from fluoxetine over two weeks")
    page.get_by_role("button", name="Start order").click()
    expect(page.get_by_text("Sertraline 50 mg oral once daily started.")).to_be_visible()
    current = page.locator("#current-medication")
    expect(current).to_contain_text("Sertraline")
    expect(current).to_contain_text("Override: Cross-taper from fluoxetine over two weeks")

    # Theo's inbox shows the new order, for information.
    theo = browser.new_context().new_page()
    theo.set_default_timeout(15_000)
    sign_in(theo, base, "theo", PASSWORD)
    theo.goto(f"{base}/notifications/")
    expect(theo.get_by_text("Sertraline 50 mg started")).to_be_visible()
    theo.context.close()
