"""Theo (therapist) signs in, records a session for Jordan Avery in his CBT course, then a
PHQ-9 item by item, and sees the score and severity band on the page."""

import re

import pytest
from playwright.sync_api import expect

from tests.careteam.factories import PASSWORD
from tests.therapy.factories import make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# PHQ-9 answers as the patient gave them: total 11, "moderate".
PHQ9 = [
    "More than half the days",
    "Several days",
    "More than half the days",
    "Several days",
    "Several days",
    "More than half the days",
    "Several days",
    "Several days",
    "Not at all",
]


def test_therapist_records_a_session_and_a_phq9(world, live_server, page):
    make_course(actor=world.therapist, patient=world.patient, planned_sessions=12)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("theo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Avery, Jordan").click()
    expect(page.get_by_role("heading", name="Therapy", exact=True)).to_be_visible()
    page.get_by_role("link", name="Open therapy").click()
    expect(page.get_by_role("heading", name="Therapy · Jordan Avery")).to_be_visible()

    # A video session of the course, attended, with an alliance rating.
    page.get_by_role("link", name="Record session").click()
    expect(page.get_by_label("Course")).to_have_value(re.compile(r"\d+"))  # the active course
    page.get_by_label(re.compile(r"^Mode\b")).select_option("video")
    page.get_by_label("Duration (minutes)").fill("50")
    page.get_by_label("Attendance").select_option("attended")
    page.get_by_label("Therapeutic alliance (0–10)").fill("8")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session recorded.")).to_be_visible()
    sessions = page.get_by_role("region", name="Sessions")
    expect(sessions.get_by_text("session 1 of 12")).to_be_visible()
    expect(sessions.get_by_text("Attended")).to_be_visible()
    expect(sessions.get_by_text("Video")).to_be_visible()

    # The PHQ-9, one question at a time.
    page.get_by_role("link", name="Record PHQ-9").click()
    for number, answer in enumerate(PHQ9, start=1):
        page.get_by_role("group", name=re.compile(rf"^{number}\. ")).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Save PHQ-9").click()

    expect(page.get_by_text("PHQ-9 recorded.")).to_be_visible()
    result = page.get_by_label("Result")
    expect(result).to_contain_text("11 of 27")
    expect(result).to_contain_text("Moderate")

    page.get_by_role("link", name="Back to therapy").click()
    measures = page.get_by_role("region", name="Measures")
    expect(measures.get_by_role("cell", name="11 of 27")).to_be_visible()
    expect(measures.get_by_role("cell", name="Moderate").first).to_be_visible()
