"""Password reset by email (Django's views): the same page whether or not the address exists, a
single-use link that expires, no patient data in the email, every session and token of the user
ended by the reset; and the admin's "send password reset link" on the staff page."""

import datetime
import re

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from accounts.models import StaffSession
from careteam.models import AuditEvent
from tests.accounts.test_sessions import is_sent_to_sign_in, signed_in_browser, token_for
from tests.careteam.factories import PASSWORD

NEW = "Brand-New-Pass-93"


def ask_for_link(email: str):
    return Client().post(reverse("password_reset"), {"email": email}, follow=True)


def without_csrf_token(response) -> str:
    """The page less its CSRF token, which differs between any two responses."""
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())


def link_in(message) -> str:
    found = re.search(r"https?://\S+/accounts/password-reset/\S+/\S+/", message.body)
    assert found, message.body
    return found.group(0)


def test_unknown_and_known_addresses_get_the_same_page_and_only_a_known_one_an_email(world):
    unknown = ask_for_link("nobody@example.org")
    assert unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="password_reset").exists()
    known = ask_for_link(world.therapist.email.upper())
    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf_token(known) == without_csrf_token(unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.therapist.email]


def test_the_email_holds_a_link_on_site_url_and_no_patient_data(world, settings):
    settings.SITE_URL = "https://careteam.example.org"
    ask_for_link(world.therapist.email)
    message = mail.outbox[0]
    assert link_in(message).startswith("https://careteam.example.org/accounts/password-reset/")
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html):
        assert world.patient.last_name not in text and world.patient.record_number not in text
    event = AuditEvent.objects.get(action="password_reset")
    assert (event.actor_id, event.object_id, event.changes) == (
        None,
        str(world.therapist.pk),
        {"link_sent": True},
    )


def test_a_host_header_does_not_choose_the_link(world, settings):
    settings.SITE_URL = "https://careteam.example.org"
    settings.ALLOWED_HOSTS = ["careteam.example.org", "evil.example.com"]
    Client().post(reverse("password_reset"), {"email": world.therapist.email}, HTTP_HOST="evil.example.com")
    assert "evil.example.com" not in mail.outbox[0].body


def set_password_via(link: str, password: str = NEW):
    browser = Client()
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = browser.get("/" + path, follow=True)
    response = browser.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path,
        {"new_password1": password, "new_password2": password},
    )
    return form_page, response


def test_the_link_sets_a_new_password_once_and_ends_every_session_and_token(world):
    browser = signed_in_browser("theo")
    api = token_for("theo")
    ask_for_link(world.therapist.email)
    link = link_in(mail.outbox[0])
    form_page, done = set_password_via(link)
    assert "Set a new password" in form_page.content.decode()
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert is_sent_to_sign_in(browser)
    assert api.get("/api/v1/me/").status_code == 401
    assert not StaffSession.objects.filter(user=world.therapist).exists()
    assert not AuthToken.objects.filter(user=world.therapist).exists()
    assert AuditEvent.objects.filter(action="password_reset", actor=world.therapist, changes={}).exists()
    assert Client().post(reverse("login"), {"username": "theo", "password": NEW}).status_code == 302
    # Used once: the same link no longer works.
    again, _ = set_password_via(link, "Another-New-Pass-71")
    assert "This link no longer works" in again.content.decode()
    assert Client().post(reverse("login"), {"username": "theo", "password": NEW}).status_code == 302


def test_the_link_expires(world, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        ask_for_link(world.therapist.email)
        link = link_in(mail.outbox[0])
        clock.shift(datetime.timedelta(hours=1, seconds=1))
        expired, _ = set_password_via(link)
    assert "This link no longer works" in expired.content.decode()
    world.therapist.refresh_from_db()
    assert world.therapist.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_per_field_and_nothing_changes(world):
    browser = signed_in_browser("theo")
    ask_for_link(world.therapist.email)
    _, refused = set_password_via(link_in(mail.outbox[0]), "12345")
    assert refused.status_code == 400
    assert "This password is too short" in refused.content.decode()
    world.therapist.refresh_from_db()
    assert world.therapist.check_password(PASSWORD)
    assert not is_sent_to_sign_in(browser)
    assert not AuditEvent.objects.filter(action="password_reset", actor=world.therapist).exists()


def test_the_sign_in_page_links_to_forgot_password(world):
    page = Client().get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "Forgot password?" in page


# --- the admin's button -----------------------------------------------------------------------
def test_the_admin_sends_a_staff_member_a_reset_link(world, page_client):
    edit = page_client(world.admin).get(reverse("staff_edit", args=[world.newcomer.pk])).content.decode()
    assert f'action="{reverse("staff_password_reset", args=[world.newcomer.pk])}"' in edit
    response = page_client(world.admin).post(reverse("staff_password_reset", args=[world.newcomer.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff_edit", args=[world.newcomer.pk]
    )
    assert [m.to for m in mail.outbox] == [[world.newcomer.email]]
    event = AuditEvent.objects.get(action="password_reset")
    assert (event.actor_id, event.object_id) == (world.admin.pk, str(world.newcomer.pk))


def test_only_admins_send_reset_links(world, page_client):
    for user in (world.therapist, world.psychiatrist, world.case_manager):
        assert (
            page_client(user).post(reverse("staff_password_reset", args=[world.newcomer.pk])).status_code
            == 403
        )
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="password_reset").exists()


def test_no_email_address_is_a_400_that_sends_and_writes_nothing(world, page_client):
    world.newcomer.email = ""
    world.newcomer.save(update_fields=["email"])
    response = page_client(world.admin).post(reverse("staff_password_reset", args=[world.newcomer.pk]))
    assert response.status_code == 400
    assert "no email address" in response.content.decode()
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="password_reset").exists()
