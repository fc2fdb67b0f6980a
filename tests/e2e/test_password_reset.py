"""Theo forgot his password: "Forgot password?" on the sign-in page, the link from the email
(read from the test mail outbox), a new password, and signing in with it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.careteam.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW = "Fresh-Start-Pass-58"


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_forgot_password_to_signing_in_with_the_new_one(world, live_server, page, settings):
    base = live_server.url
    settings.SITE_URL = base  # the link in the email points at this server

    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Forgot password")).to_be_visible()
    page.get_by_label("Email").fill(world.therapist.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.therapist.email]
    assert world.patient.last_name not in message.body
    link = re.search(r"http://\S+/accounts/password-reset/\S+/", message.body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    page.get_by_label(re.compile(r"^New password\b(?! confirmation)")).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()

    # The old password no longer works; the new one does.
    sign_in(page, base, "theo", PASSWORD)
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    sign_in(page, base, "theo", NEW)
    expect(page.get_by_role("heading", name="My patients")).to_be_visible()
    expect(page.get_by_role("link", name="Avery, Jordan")).to_be_visible()

    # The link was for one use only.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
