"""An admin creates a therapist and puts them on a care team; the therapist then sees that
patient under "My patients" and gets a not-found page for someone else's patient."""

import re

import pytest
from playwright.sync_api import expect

from tests.careteam.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_admin_creates_therapist_who_then_sees_only_their_patient(world, live_server, page):
    base = live_server.url
    sign_in(page, base, "ada", PASSWORD)
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()

    # Create the therapist.
    page.get_by_role("link", name="Staff").click()
    page.get_by_role("link", name="Add staff member").click()
    page.get_by_label("Username").fill("tess")
    page.get_by_label("First name").fill("Tess")
    page.get_by_label("Last name").fill("Hill")
    page.get_by_label("Role").select_option("therapist")
    page.get_by_label("Password").fill("Plenty-Long-Pass-7")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Tess Hill (Therapist) can now sign in.")).to_be_visible()

    # Put her on Jordan Avery's care team.
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Avery, Jordan").click()
    page.get_by_label("Staff member").select_option(label="Tess Hill")
    page.get_by_label("Role on this team").select_option("therapist")
    page.get_by_role("button", name="Add to care team").click()
    expect(page.get_by_text("Tess Hill joined the care team.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Tess signs in and finds Jordan under "My patients" — and only Jordan.
    sign_in(page, base, "tess", "Plenty-Long-Pass-7")
    expect(page.get_by_role("heading", name="My patients")).to_be_visible()
    expect(page.get_by_role("link", name="Avery, Jordan")).to_be_visible()
    expect(page.get_by_text("Hidden, Robin")).to_have_count(0)
    page.get_by_role("link", name="Avery, Jordan").click()
    expect(page.get_by_role("heading", name="Care plan")).to_be_visible()

    # Someone else's patient is simply not found.
    response = page.goto(f"{base}/patients/{world.other_patient.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("Robin")).to_have_count(0)
    assert re.search(r"/patients/\d+/$", page.url)
