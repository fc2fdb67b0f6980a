"""Staff management by admins: create, edit, change role, deactivate — pages and API."""

import pytest
from django.urls import reverse

from careteam.models import AuditEvent, User
from careteam.roles import Role
from tests.careteam.factories import PASSWORD


def test_admin_creates_a_therapist_on_the_page(world, page_client):
    client = page_client(world.admin)
    response = client.post(
        reverse("staff_create"),
        {
            "username": "tess",
            "first_name": "Tess",
            "last_name": "Hill",
            "email": "tess@example.org",
            "role": "therapist",
            "password": "Plenty-Long-Pass-7",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Tess Hill (Therapist) can now sign in." in response.content.decode()
    tess = User.objects.get(username="tess")
    assert tess.role == Role.THERAPIST and tess.check_password("Plenty-Long-Pass-7")
    event = AuditEvent.objects.get(object_type="user", object_id=str(tess.pk), action="create")
    assert event.actor == world.admin


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "", "role": "therapist"}, "username", "This field is required."),
        (
            {"username": "theo", "role": "therapist"},
            "username",
            "A staff member with this username already exists.",
        ),
        ({"username": "x1", "role": "surgeon"}, "role", "Select a valid choice."),
        (
            {"username": "x2", "role": "therapist", "password": "short"},
            "password",
            "This password is too short.",
        ),
        (
            {"username": "x3", "role": "therapist", "email": "not-an-email"},
            "email",
            "Enter a valid email address.",
        ),
    ],
)
def test_bad_staff_input_on_the_page_writes_nothing(world, page_client, data, field, message):
    before = User.objects.count(), AuditEvent.objects.count()
    form = {"first_name": "A", "last_name": "B", "email": "", "password": "Plenty-Long-Pass-7"}
    form.update(data)
    response = page_client(world.admin).post(reverse("staff_create"), form)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "surgeon"}, "role"),
        ({"username": "theo"}, "username"),
        ({"password": None}, "password"),
        ({"password": "123"}, "password"),
    ],
)
def test_bad_staff_input_on_the_api_writes_nothing(world, api_client, data, field):
    payload = {
        "username": "newbie",
        "first_name": "N",
        "last_name": "B",
        "role": "therapist",
        "password": "Plenty-Long-Pass-7",
    }
    payload.update(data)
    payload = {k: v for k, v in payload.items() if v is not None}
    before = User.objects.count()
    response = api_client(world.admin).post("/api/v1/staff/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json() and response.json()[field]
    assert User.objects.count() == before


def test_non_admin_is_refused_before_input_is_read(world, api_client):
    response = api_client(world.therapist).post("/api/v1/staff/", {}, format="json")
    assert response.status_code == 403
    assert User.objects.filter(username="").count() == 0


def test_role_change_is_audited_with_old_and_new_values(world, api_client):
    response = api_client(world.admin).patch(
        f"/api/v1/staff/{world.newcomer.pk}/", {"role": "psychiatrist"}, format="json"
    )
    assert response.status_code == 200 and response.json()["role"] == "psychiatrist"
    event = AuditEvent.objects.get(object_type="user", object_id=str(world.newcomer.pk), action="update")
    assert event.actor == world.admin
    assert event.changes == {"role": ["therapist", "psychiatrist"]}


def test_role_change_of_someone_on_a_care_team_is_refused(world, api_client):
    response = api_client(world.admin).patch(
        f"/api/v1/staff/{world.therapist.pk}/", {"role": "psychiatrist"}, format="json"
    )
    assert response.status_code == 400
    assert "remove them from those teams" in response.json()["role"][0]
    world.therapist.refresh_from_db()
    assert world.therapist.role == Role.THERAPIST


def test_unknown_role_on_edit_is_refused(world, page_client):
    response = page_client(world.admin).post(
        reverse("staff_edit", args=[world.newcomer.pk]),
        {"username": "nick", "first_name": "Nick", "last_name": "New", "role": "wizard", "is_active": "on"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    world.newcomer.refresh_from_db()
    assert world.newcomer.role == Role.THERAPIST


def test_deactivation_ends_session_and_token_at_the_next_request(world, page_client, api_client):
    browser = page_client(world.therapist)
    api = api_client(world.therapist)
    assert browser.get(reverse("patient_list")).status_code == 200
    assert api.get("/api/v1/patients/").status_code == 200

    response = page_client(world.admin).post(
        reverse("staff_edit", args=[world.therapist.pk]),
        {
            "username": "theo",
            "first_name": "Theo",
            "last_name": "Rivera",
            "email": world.therapist.email,
            "role": "therapist",
        },
    )  # is_active unticked
    assert response.status_code == 302

    page = browser.get(reverse("patient_list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
    assert api.get("/api/v1/patients/").status_code == 401
    event = AuditEvent.objects.get(object_type="user", object_id=str(world.therapist.pk), action="deactivate")
    assert event.changes == {"is_active": [True, False]}


def test_deactivated_user_cannot_get_a_new_token(world, api_client):
    api_client(world.admin).patch(f"/api/v1/staff/{world.therapist.pk}/", {"is_active": False}, format="json")

    response = api_client(None).post(
        "/api/v1/auth/token/", {"username": "theo", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_admin_cannot_deactivate_themselves(world, api_client):
    response = api_client(world.admin).patch(
        f"/api/v1/staff/{world.admin.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["is_active"] == ["You cannot deactivate your own account."]
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_staff_page_lists_and_filters_by_role(world, page_client):
    response = page_client(world.admin).get(reverse("staff_list"), {"role": "psychiatrist"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Priya Shah" in body and "Theo Rivera" not in body


def test_me_returns_own_identity(world, api_client):
    response = api_client(world.psychiatrist).get("/api/v1/me/")
    assert response.json() == {
        "id": world.psychiatrist.pk,
        "username": "priya",
        "first_name": "Priya",
        "last_name": "Shah",
        "role": "psychiatrist",
    }


def test_createsuperuser_makes_an_admin(db):
    user = User.objects.create_superuser("root", "root@example.org", "Plenty-Long-Pass-7")
    assert user.role == Role.ADMIN
