"""Two-factor sign-in (API.md "Sessions and tokens"): enrolment, the code at sign-in (API and
page), recovery codes, the lockout counting wrong codes, and MFA_REQUIRED_ROLES."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from careteam.models import AuditEvent
from tests.accounts.factories import current_code, enrol
from tests.careteam.factories import PASSWORD
from tests.test_infrastructure import _settings_process

START = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
STEP = datetime.timedelta(seconds=30)  # one authenticator code to the next


def token(username="theo", password=PASSWORD, **extra):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


# --- enrolment through the API ----------------------------------------------------------------
def test_enrolment_through_the_api_then_the_token_endpoint_needs_the_code(world, api_client, clock):
    api = api_client(world.therapist)
    begun = api.post("/api/v1/auth/mfa/totp/")
    assert begun.status_code == 201
    body = begun.json()
    assert re.fullmatch(r"[A-Z2-7]+=*", body["secret"])
    assert body["otpauth_uri"].startswith(
        "otpauth://totp/CareTeam%3Atheo?secret=" + body["secret"].rstrip("=")
    )
    assert token().status_code == 200  # not confirmed yet: no code needed

    device = TOTPDevice.objects.get(user=world.therapist)
    confirmed = api.post("/api/v1/auth/mfa/totp/confirm/", {"code": current_code(device)}, format="json")
    assert confirmed.status_code == 200
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert AuditEvent.objects.filter(
        actor=world.therapist, action="mfa_enrol", changes={"mfa": [False, True]}
    ).exists()

    clock.shift(STEP)
    missing = token()
    assert missing.status_code == 400 and list(missing.json()) == ["otp"] and "token" not in missing.json()
    assert token(otp="000000").status_code == 400
    clock.shift(STEP)
    signed_in = token(otp=current_code(device))
    assert signed_in.status_code == 200 and signed_in.json()["token"]


def test_a_malformed_or_wrong_confirmation_code_is_a_400_on_code_and_confirms_nothing(
    world, api_client, clock
):
    api = api_client(world.therapist)
    api.post("/api/v1/auth/mfa/totp/")
    for code in ("12ab56", "", "1234567"):
        response = api.post("/api/v1/auth/mfa/totp/confirm/", {"code": code}, format="json")
        assert response.status_code == 400 and list(response.json()) == ["code"], code
    device = TOTPDevice.objects.get(user=world.therapist)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    assert api.post("/api/v1/auth/mfa/totp/confirm/", {"code": wrong}, format="json").status_code == 400
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not StaticDevice.objects.exists()
    assert not AuditEvent.objects.filter(action="mfa_enrol").exists()
    assert token().status_code == 200  # still no code needed


def test_starting_again_while_enrolled_is_refused(world, api_client):
    enrol(world.therapist)
    response = api_client(world.therapist).post("/api/v1/auth/mfa/totp/")
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=world.therapist).count() == 1


# --- the code at sign-in ----------------------------------------------------------------------
def test_a_recovery_code_works_once_in_place_of_a_code(world, clock):
    _, codes = enrol(world.therapist)
    assert token(otp=codes[0]).status_code == 200
    clock.shift(STEP)
    assert token(otp=codes[0]).status_code == 400
    assert StaticToken.objects.filter(device__user=world.therapist).count() == 9


def test_a_code_cannot_be_used_twice(world, clock):
    device, _ = enrol(world.therapist)
    clock.shift(STEP)
    code = current_code(device)
    assert token(otp=code).status_code == 200
    assert token(otp=code).status_code == 400


def test_missing_and_wrong_codes_count_toward_the_lockout_like_wrong_passwords(world, clock):
    device, _ = enrol(world.therapist)
    limit = django_settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        response = token(otp="" if attempt % 2 else "000000")
        assert response.status_code == 400
        clock.shift(STEP)
    assert AccessAttempt.objects.get(username="theo").failures_since_start == limit
    # Locked out: the right password with the right code is refused, with no hint.
    locked = token(otp=current_code(device))
    assert locked.status_code == 400 and "token" not in locked.json()
    page = Client().post(
        reverse("login"), {"username": "theo", "password": PASSWORD, "otp": current_code(device)}
    )
    assert page.status_code == 429


def test_the_sign_in_page_asks_an_enrolled_user_for_the_code(world, clock):
    device, codes = enrol(world.therapist)
    clock.shift(STEP)
    browser = Client()
    without = browser.post(reverse("login"), {"username": "theo", "password": PASSWORD})
    assert without.status_code == 200
    assert "Enter the current code of your authenticator app" in without.content.decode()
    wrong = browser.post(reverse("login"), {"username": "theo", "password": PASSWORD, "otp": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert AccessAttempt.objects.get(username="theo").failures_since_start == 2
    assert browser.get(reverse("patient_list")).status_code == 302

    clock.shift(STEP)
    right = browser.post(
        reverse("login"), {"username": "theo", "password": PASSWORD, "otp": current_code(device)}
    )
    assert right.status_code == 302
    assert browser.get(reverse("patient_list")).status_code == 200
    assert AuditEvent.objects.filter(action="sign_in", changes={"method": "session", "mfa": True}).exists()
    assert not AccessAttempt.objects.filter(username="theo").exists()  # reset on success

    recovery = Client()
    assert (
        recovery.post(
            reverse("login"), {"username": "theo", "password": PASSWORD, "otp": codes[3]}
        ).status_code
        == 302
    )
    again = Client().post(reverse("login"), {"username": "theo", "password": PASSWORD, "otp": codes[3]})
    assert again.status_code == 200 and "That code is not right" in again.content.decode()


def test_users_without_two_factor_sign_in_need_no_code(world):
    assert Client().post(reverse("login"), {"username": "priya", "password": PASSWORD}).status_code == 302
    assert token("priya").status_code == 200


# --- the pages --------------------------------------------------------------------------------
def test_enrolment_pages_show_a_qr_code_then_the_recovery_codes_once(world, page_client, clock):
    browser = page_client(world.therapist)
    security = browser.get(reverse("account_security"))
    assert (
        security.status_code == 200
        and "Two-factor sign-in is <strong>off</strong>" in security.content.decode()
    )
    started = browser.post(reverse("mfa_totp_enrol"))
    assert started.status_code == 302 and started["Location"] == reverse("mfa_totp_confirm")
    page = browser.get(reverse("mfa_totp_confirm")).content.decode()
    assert '<svg width="' in page and 'class="segno"' in page
    # The CSP allows no inline script or style: the page has none.
    assert "<script>" not in page and "style=" not in page and "<style" not in page
    device = TOTPDevice.objects.get(user=world.therapist, confirmed=False)
    assert device.config_url.split("secret=")[1].split("&")[0] in page

    bad = browser.post(reverse("mfa_totp_confirm"), {"code": "12ab56"})
    assert bad.status_code == 400 and "Enter the 6-digit code" in bad.content.decode()
    done = browser.post(reverse("mfa_totp_confirm"), {"code": current_code(device)})
    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(shown) == 10
    assert sorted(shown) == sorted(
        StaticToken.objects.filter(device__user=world.therapist).values_list("token", flat=True)
    )
    # Shown once: the security page does not list them again.
    later = browser.get(reverse("account_security")).content.decode()
    assert "Two-factor sign-in is <strong>on</strong>" in later
    assert not any(code in later for code in shown)


def test_regenerating_recovery_codes_voids_the_old_ones(world, page_client, clock):
    _, old = enrol(world.therapist)
    response = page_client(world.therapist).post(reverse("mfa_recovery_regenerate"))
    assert response.status_code == 200
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert token(otp=old[0]).status_code == 400
    clock.shift(STEP)  # django-otp slows down guessing after a wrong code
    assert token(otp=new[0]).status_code == 200


def test_turning_two_factor_sign_in_off_needs_a_current_code(world, page_client, clock):
    device, _ = enrol(world.therapist)
    browser = page_client(world.therapist)
    clock.shift(STEP)
    refused = browser.post(reverse("mfa_disable"), {"code": "000000"})
    assert refused.status_code == 400 and "That code is not right" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=world.therapist, confirmed=True).exists()
    clock.shift(STEP)
    done = browser.post(reverse("mfa_disable"), {"code": current_code(device)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.therapist).exists()
    assert not StaticDevice.objects.filter(user=world.therapist).exists()
    assert token().status_code == 200
    assert AuditEvent.objects.filter(action="mfa_enrol", changes={"mfa": [True, False]}).exists()


# --- MFA_REQUIRED_ROLES -----------------------------------------------------------------------
def test_a_role_that_must_enrol_reaches_only_the_enrolment_pages(
    world, settings, page_client, api_client, clock
):
    settings.MFA_REQUIRED_ROLES = ["therapist"]
    browser = page_client(world.therapist)
    page = browser.get(reverse("patient_list"))
    assert page.status_code == 302 and page["Location"] == reverse("account_security")
    assert browser.get(reverse("patient_detail", args=[world.patient.pk])).status_code == 302
    security = browser.get(reverse("account_security"))
    assert (
        security.status_code == 200 and "Your role must use two-factor sign-in" in security.content.decode()
    )
    assert browser.get("/api/v1/patients/").status_code == 403  # the session on the API

    api = api_client(world.therapist)
    refused = api.get("/api/v1/patients/")
    assert refused.status_code == 403 and "/account/security/" in refused.json()["detail"]
    assert api.get(f"/api/v1/patients/{world.patient.pk}/").status_code == 403
    # Other roles are not held up.
    assert page_client(world.psychiatrist).get(reverse("patient_list")).status_code == 200
    assert api_client(world.psychiatrist).get("/api/v1/patients/").status_code == 200

    # Enrolling through the API is allowed, and then everything is open again.
    assert api.post("/api/v1/auth/mfa/totp/").status_code == 201
    device = TOTPDevice.objects.get(user=world.therapist)
    assert (
        api.post("/api/v1/auth/mfa/totp/confirm/", {"code": current_code(device)}, format="json").status_code
        == 200
    )
    assert api.get("/api/v1/patients/").status_code == 200
    assert browser.get(reverse("patient_list")).status_code == 200


def test_a_user_who_must_enrol_can_still_sign_out_and_enrol_on_the_page(world, settings, page_client, clock):
    settings.MFA_REQUIRED_ROLES = ["therapist"]
    browser = page_client(world.therapist)
    assert browser.post(reverse("mfa_totp_enrol")).status_code == 302
    assert browser.get(reverse("mfa_totp_confirm")).status_code == 200
    device = TOTPDevice.objects.get(user=world.therapist)
    assert browser.post(reverse("mfa_totp_confirm"), {"code": current_code(device)}).status_code == 200
    assert browser.get(reverse("patient_list")).status_code == 200
    assert browser.post(reverse("logout")).status_code == 302


def test_an_empty_mfa_required_roles_holds_nobody_up(world, settings, page_client):
    settings.MFA_REQUIRED_ROLES = []
    assert page_client(world.therapist).get(reverse("patient_list")).status_code == 200


@pytest.mark.parametrize(
    ("env", "roles"),
    [
        ({}, ["therapist", "psychiatrist", "case_manager", "admin"]),  # production default: all
        ({"MFA_REQUIRED_ROLES": ""}, []),  # set but empty: none
        ({"MFA_REQUIRED_ROLES": "admin, psychiatrist"}, ["admin", "psychiatrist"]),
        ({"DEBUG": "true"}, []),  # the embedded demo: none, so the printed logins work
    ],
)
def test_mfa_required_roles_setting(env, roles):
    production = {"DEBUG": "false", "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "careteam.example.org"}
    result = _settings_process(
        {**production, **env},
        "from django.conf import settings; print(','.join(settings.MFA_REQUIRED_ROLES))",
    )
    assert result.returncode == 0, result.stderr
    assert [r for r in result.stdout.strip().split(",") if r] == roles


def test_an_unknown_role_in_mfa_required_roles_stops_the_settings():
    result = _settings_process(
        {"DEBUG": "true", "MFA_REQUIRED_ROLES": "therapist,wizard"},
        "from django.conf import settings; settings.DEBUG",
    )
    assert result.returncode != 0 and "MFA_REQUIRED_ROLES names unknown roles: ['wizard']" in result.stderr
