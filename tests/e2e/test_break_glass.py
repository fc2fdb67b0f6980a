"""Break-glass in the browser: Olivia, a therapist off Jordan's care team, finds Jordan's page
not found, opens emergency access with Jordan's record number and a reason, and reads the record
under the banner, with no write forms. Ada the admin then finds the grant in her inbox and on the
review page with its read count, and marks it reviewed."""

import pytest
from playwright.sync_api import expect

from careteam.models import AuditEvent
from patients.models import BreakGlassGrant
from tests.careteam.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "Jordan is at the crisis clinic and the care team cannot be reached"


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_clinician_breaks_the_glass_and_an_admin_reviews_it(world, live_server, page, celery_eager):
    base = live_server.url
    sign_in(page, base, "olivia")
    response = page.goto(f"{base}/patients/{world.patient.pk}/")
    assert response.status == 404
    page.get_by_role("main").get_by_role("link", name="emergency access").click()

    expect(page.get_by_role("heading", name="Emergency access")).to_be_visible()
    page.get_by_label("Record number").fill(world.patient.record_number)
    page.get_by_label("Reason (required)").fill(REASON)
    page.get_by_role("button", name="Open emergency access").click()

    expect(page.get_by_role("heading", name="Jordan Avery")).to_be_visible()
    banner = page.get_by_role("alert").filter(has_text="Emergency access until")
    expect(banner).to_contain_text("every view is recorded")
    expect(page.get_by_role("heading", name="Care plan")).to_be_visible()
    expect(page.get_by_text("Fewer depressive days")).to_be_visible()
    expect(page.get_by_role("link", name="Raise a flag")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit care plan")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    grant = BreakGlassGrant.objects.get(clinician=world.outsider, patient=world.patient)
    reads = AuditEvent.objects.filter(changes__break_glass=grant.pk, action__in=["view", "list"]).count()
    assert reads >= 1

    sign_in(page, base, "ada")
    page.get_by_role("link", name="Inbox").click()
    # The notification links to the grant on the review page.
    page.get_by_role("main").get_by_role("link", name="Emergency access", exact=True).click()
    expect(page.get_by_role("heading", name="Emergency access review")).to_be_visible()
    row = page.locator(f"#grant-{grant.pk}")
    expect(row).to_contain_text("Olivia Other")
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text(f"Patient {world.patient.pk}")
    expect(row.locator("td.reads")).to_have_text(str(reads))
    row.get_by_role("button", name=f"Mark grant {grant.pk} reviewed").click()
    expect(page.get_by_text(f"Grant {grant.pk} marked reviewed.")).to_be_visible()
    expect(page.locator(f"#grant-{grant.pk}")).to_contain_text("Reviewed by Ada Admin")
    grant.refresh_from_db()
    assert grant.reviewed_by == world.admin
