"""Sign-in: Argon2 hashes, lockout after repeated failures, idle timeout."""

import datetime

import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffSession
from careteam import services
from careteam import settings as careteam_settings
from tests.careteam.factories import PASSWORD


def test_passwords_are_hashed_with_argon2(world, settings):
    settings.PASSWORD_HASHERS = careteam_settings.PASSWORD_HASHERS
    user = services.staff_create(
        actor=world.admin, username="hashy", role="therapist", password="Plenty-Long-Pass-7"
    )
    assert user.password.startswith("argon2$")
    assert user.check_password("Plenty-Long-Pass-7")


def test_sign_in_works_with_the_right_password(world, client):
    response = client.post(reverse("login"), {"username": "theo", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("patient_list")).status_code == 200


def test_repeated_failures_lock_the_account_even_for_the_right_password(world, client):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "theo", "password": "wrong-guess"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = client.post(reverse("login"), {"username": "theo", "password": "wrong-guess"})
    assert locked.status_code == 429
    right = client.post(reverse("login"), {"username": "theo", "password": PASSWORD})
    assert right.status_code == 429
    assert "Too many failed sign-ins" in right.content.decode()
    assert client.get(reverse("patient_list")).status_code == 302  # still signed out


def test_token_endpoint_wrong_credentials_give_no_hint(world, client):
    for payload in ({"username": "theo", "password": "nope"}, {"username": "nobody", "password": PASSWORD}):
        response = client.post("/api/v1/auth/token/", payload, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_idle_session_expires_after_the_configured_minutes(world, client):
    assert django_settings.SESSION_COOKIE_AGE == 15 * 60
    start = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "theo", "password": PASSWORD})
        clock.shift(datetime.timedelta(minutes=14))
        assert client.get(reverse("patient_list")).status_code == 200  # activity renews it
        clock.shift(datetime.timedelta(minutes=14))
        assert client.get(reverse("patient_list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=16))
        response = client.get(reverse("patient_list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_repeated_token_failures_lock_the_api_too(world, client):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token/", {"username": "theo", "password": "wrong"}, content_type="application/json"
        )
    response = client.post(
        "/api/v1/auth/token/", {"username": "theo", "password": PASSWORD}, content_type="application/json"
    )
    # The right password is refused now, with the same answer as a wrong one (no hint).
    assert response.status_code == 400
    assert "token" not in response.json()


def _session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    table = StaffSession._meta.db_table  # the session engine's table (accounts.sessions)
    return sum(f'UPDATE "{table}"' in q["sql"] for q in captured)


def test_activity_renews_the_session_at_most_once_a_minute(world, client):
    start = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "theo", "password": PASSWORD})
        assert _session_writes(client, reverse("patient_list")) == 0  # signed in just now
        clock.shift(datetime.timedelta(seconds=61))
        assert _session_writes(client, reverse("patient_list")) == 1  # renewed at 9:01:01
        clock.shift(datetime.timedelta(seconds=30))
        assert _session_writes(client, reverse("patient_list")) == 0  # renewed 30 s ago
        # Renewed at 9:01:01: still signed in 15 minutes later, signed out at 16 minutes.
        clock.shift(datetime.timedelta(minutes=14, seconds=29))  # 9:16:00
        assert client.get(reverse("patient_list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        response = client.get(reverse("patient_list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
