"""Sessions (API.md "Sessions and tokens"): deactivation, a role change and a password change
end a user's sessions and tokens, and reactivation brings none of them back."""

from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import StaffSession
from careteam import services as careteam_services
from careteam.models import AuditEvent
from tests.careteam.factories import PASSWORD


def signed_in_browser(username: str, password: str = PASSWORD) -> Client:
    """A browser that signed in on the sign-in page (a real session row, a real cookie)."""
    browser = Client()
    response = browser.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return browser


def token_for(username: str, password: str = PASSWORD) -> APIClient:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return api


def is_sent_to_sign_in(browser: Client) -> bool:
    response = browser.get(reverse("patient_list"))
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_row_records_whose_session_it_is(world):
    browser = signed_in_browser("theo")
    row = StaffSession.objects.get(session_key=browser.cookies["sessionid"].value)
    assert row.user_id == world.therapist.pk


def test_deactivation_then_reactivation_brings_no_old_session_or_token_back(world, api_client):
    browser = signed_in_browser("theo")
    old_cookie = browser.cookies["sessionid"].value
    api = token_for("theo")
    assert not is_sent_to_sign_in(browser) and api.get("/api/v1/me/").status_code == 200

    admin = api_client(world.admin)
    assert (
        admin.patch(f"/api/v1/staff/{world.therapist.pk}/", {"is_active": False}, format="json").status_code
        == 200
    )
    assert not StaffSession.objects.filter(user=world.therapist).exists()
    assert not AuthToken.objects.filter(user=world.therapist).exists()
    assert (
        admin.patch(f"/api/v1/staff/{world.therapist.pk}/", {"is_active": True}, format="json").status_code
        == 200
    )

    # The very cookie and token from before: neither works again.
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert is_sent_to_sign_in(replay)
    assert is_sent_to_sign_in(browser)
    assert api.get("/api/v1/me/").status_code == 401
    # Theo signs in afresh and works as before.
    assert not is_sent_to_sign_in(signed_in_browser("theo"))


def test_deactivation_ends_only_that_users_sessions(world):
    theo = signed_in_browser("theo")
    priya = signed_in_browser("priya")
    careteam_services.staff_update(actor=world.admin, user=world.therapist, is_active=False)
    assert is_sent_to_sign_in(theo)
    assert not is_sent_to_sign_in(priya)


def test_a_role_change_ends_sessions_and_tokens(world):
    browser = signed_in_browser("nick")
    api = token_for("nick")
    careteam_services.staff_update(actor=world.admin, user=world.newcomer, role="psychiatrist")
    assert is_sent_to_sign_in(browser)
    assert api.get("/api/v1/me/").status_code == 401
    assert token_for("nick").get("/api/v1/me/").json()["role"] == "psychiatrist"


def test_other_edits_leave_sessions_and_tokens_alone(world):
    browser = signed_in_browser("nick")
    api = token_for("nick")
    careteam_services.staff_update(actor=world.admin, user=world.newcomer, first_name="Nicholas")
    assert not is_sent_to_sign_in(browser)
    assert api.get("/api/v1/me/").status_code == 200


def test_password_change_ends_the_other_sessions_and_every_token_but_keeps_this_session(world):
    here = signed_in_browser("theo")
    elsewhere = signed_in_browser("theo")
    api = token_for("theo")
    new = "Brand-New-Pass-93"
    response = here.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert not is_sent_to_sign_in(here)
    assert is_sent_to_sign_in(elsewhere)
    assert api.get("/api/v1/me/").status_code == 401
    assert StaffSession.objects.filter(user=world.therapist).count() == 1
    event = AuditEvent.objects.get(action="password_change")
    assert (event.actor_id, event.object_id, event.changes) == (
        world.therapist.pk,
        str(world.therapist.pk),
        {},
    )
    assert token_for("theo", new).get("/api/v1/me/").status_code == 200


def test_a_weak_or_wrong_password_change_is_refused_per_field_and_changes_nothing(world):
    here = signed_in_browser("theo")
    elsewhere = signed_in_browser("theo")
    before = world.therapist.password
    weak = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert weak.status_code == 400
    assert "This password is too short" in weak.content.decode()
    wrong_old = here.post(
        reverse("password_change"),
        {
            "old_password": "not-it",
            "new_password1": "Brand-New-Pass-93",
            "new_password2": "Brand-New-Pass-93",
        },
    )
    assert wrong_old.status_code == 400
    assert "Your old password was entered incorrectly" in wrong_old.content.decode()
    world.therapist.refresh_from_db()
    assert world.therapist.password == before
    assert not is_sent_to_sign_in(elsewhere)
    assert not AuditEvent.objects.filter(action="password_change").exists()


def test_page_sign_in_and_sign_out_are_audited_and_the_session_row_goes(world):
    browser = signed_in_browser("theo")
    key = browser.cookies["sessionid"].value
    assert browser.post(reverse("logout")).status_code == 302
    assert not StaffSession.objects.filter(session_key=key).exists()
    actions = list(
        AuditEvent.objects.filter(actor=world.therapist, object_type="user")
        .order_by("id")
        .values_list("action", "changes")
    )
    assert actions == [("sign_in", {"method": "session", "mfa": False}), ("sign_out", {"method": "session"})]


def test_api_logout_with_a_session_signs_the_browser_out(world):
    browser = signed_in_browser("theo")
    response = browser.post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert is_sent_to_sign_in(browser)
