"""Carmen, the case manager, imports a few community resources from a CSV file and reads the
import report, then refers Jordan Avery to a housing resource and follows the referral from
draft to sent to accepted, seeing each step in its history; then marks it entered in error."""

import pytest
from playwright.sync_api import expect

from casemanagement.models import CommunityResource, Referral
from tests.careteam.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSV = """name,category,address,phone,website
Harbor Housing,housing,12 Quay Street,555-0141,https://harbor.example.org/
Riverside Food Bank,food,7 Riverside Walk,555-0146,
Moon Base Lodging,spacecraft,1 Crater Road,,
"""


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_case_manager_imports_resources_and_follows_a_referral(
    world, live_server, page, celery_eager, tmp_path
):
    base = live_server.url
    csv_file = tmp_path / "resources.csv"
    csv_file.write_text(CSV)
    sign_in(page, base, "carmen", PASSWORD)
    expect(page.get_by_role("heading", name="My patients")).to_be_visible()

    # From Jordan's case management to the directory, and its CSV import.
    page.get_by_role("link", name="Avery, Jordan").click()
    page.get_by_role("link", name="Open case management").click()
    expect(page.get_by_role("heading", name="Case management · Jordan Avery")).to_be_visible()
    page.get_by_role("link", name="Resource directory").click()
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and import").click()

    # The progress page, then the report (the job ran in-process: celery_eager).
    expect(page.get_by_text("resources.csv: 3 rows queued for import.")).to_be_visible()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(page.get_by_text("3 of 3 rows processed (100%)")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Created:")).to_have_text("Created: 2")
    expect(page.get_by_role("listitem").filter(has_text="Rejected:")).to_have_text("Rejected: 1")
    report = page.get_by_role("row").filter(has_text="Unknown category")
    expect(report.get_by_role("cell").first).to_have_text("4")
    assert sorted(CommunityResource.objects.values_list("name", flat=True)) == [
        "Harbor Housing",
        "Riverside Food Bank",
    ]

    # Refer Jordan to the housing resource.
    page.get_by_role("link", name="Resource directory").click()
    expect(page.get_by_role("link", name="Harbor Housing")).to_be_visible()
    page.goto(f"{base}/patients/{world.patient.pk}/case-management/")
    page.get_by_role("link", name="New referral").click()
    # The resource is found by searching the directory (htmx shows the matches as one types).
    page.get_by_label("Find a resource").fill("harbor")
    page.get_by_role("radio", name="Harbor Housing").check()
    page.get_by_label("Follow up on").fill("2030-01-15")
    page.get_by_label("Note").fill("Notice to quit received")
    page.get_by_role("button", name="Save referral").click()
    expect(page.get_by_text("Referral to Harbor Housing saved as a draft.")).to_be_visible()

    card = page.get_by_role("article").filter(has_text="Harbor Housing")
    expect(card.get_by_role("heading")).to_have_text("Harbor Housing Draft")
    # Sent ...
    card.get_by_label("New status").select_option("sent")
    card.get_by_label("Note").fill("Emailed the referral form")
    card.get_by_role("button", name="Update status").click()
    expect(page.get_by_text("Referral to Harbor Housing is now sent.")).to_be_visible()
    # ... then accepted; only the allowed next steps are offered.
    card = page.get_by_role("article").filter(has_text="Harbor Housing")
    options = card.get_by_label("New status").locator("option")
    expect(options).to_have_text(["---------", "Accepted", "Declined", "Closed"])
    card.get_by_label("New status").select_option("accepted")
    card.get_by_role("button", name="Update status").click()
    expect(page.get_by_text("Referral to Harbor Housing is now accepted.")).to_be_visible()
    expect(page.get_by_role("article").filter(has_text="Harbor Housing").get_by_role("heading")).to_have_text(
        "Harbor Housing Accepted"
    )

    # The history, complete and in order.
    history = (
        page.get_by_role("article")
        .filter(has_text="Harbor Housing")
        .get_by_role("list", name="Status history")
        .get_by_role("listitem")
    )
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("Created as Draft")
    expect(history.nth(0)).to_contain_text("Notice to quit received")
    expect(history.nth(1)).to_contain_text("Draft → Sent")
    expect(history.nth(1)).to_contain_text("Emailed the referral form")
    expect(history.nth(2)).to_contain_text("Sent → Accepted")
    expect(history.nth(2)).to_contain_text("Carmen Lopez")
    referral = Referral.objects.get()
    assert referral.status == "accepted" and referral.patient == world.patient

    # It was the wrong resource after all: Carmen marks the referral entered in error.
    page.get_by_role("article").filter(has_text="Harbor Housing").get_by_role(
        "link", name="Entered in error?"
    ).click()
    page.get_by_label("Why is this record wrong?").fill("Referred to the wrong service")
    page.get_by_role("button", name="Mark entered in error").click()
    expect(page.get_by_text("The referral is marked entered in error.")).to_be_visible()
    card = page.get_by_role("article").filter(has_text="Harbor Housing")
    expect(card.locator("strong.in-error")).to_have_text("Entered in error")
    expect(card).to_contain_text("Referred to the wrong service")
    expect(card.get_by_label("New status")).to_have_count(0)
    referral.refresh_from_db()
    assert referral.entered_in_error
