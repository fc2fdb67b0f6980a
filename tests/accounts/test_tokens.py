"""API tokens (API.md "Sessions and tokens"): a new one per sign-in, stored hashed, expiring after
API_TOKEN_HOURS, ended by POST /api/v1/auth/logout/; looked up with one query."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from careteam.models import AuditEvent
from tests.careteam.factories import PASSWORD

START = datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC)


def sign_in(username: str = "theo", password: str = PASSWORD, **extra) -> tuple[int, dict]:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )
    return response.status_code, response.json()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_every_sign_in_makes_a_new_token_stored_only_as_a_digest(world):
    start = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        status, first = sign_in()
        _, second = sign_in()
    assert status == 200
    assert first["token"] != second["token"]
    expires = datetime.datetime.fromisoformat(first["expires"].replace("Z", "+00:00"))
    assert expires == start + datetime.timedelta(hours=10)
    rows = AuthToken.objects.filter(user=world.therapist)
    assert rows.count() == 2
    for row in rows:
        assert row.digest not in (first["token"], second["token"])
        assert first["token"] not in row.digest and second["token"] not in row.digest
    for token in (first["token"], second["token"]):
        assert with_token(token).get("/api/v1/me/").json()["username"] == "theo"


def test_a_token_stops_working_when_it_expires(world):
    with time_machine.travel(START, tick=False) as clock:
        _, body = sign_in()
        api = with_token(body["token"])
        clock.shift(datetime.timedelta(hours=9, minutes=59))
        assert api.get("/api/v1/me/").status_code == 200
        clock.shift(datetime.timedelta(minutes=1, seconds=1))
        assert api.get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=world.therapist).exists()  # the expired row is gone


def test_api_token_hours_sets_the_lifetime(world, settings):
    settings.API_TOKEN_HOURS = 2
    with time_machine.travel(START, tick=False) as clock:
        _, body = sign_in()
        assert body["expires"].startswith("2026-11-27T11:00:00")
        clock.shift(datetime.timedelta(hours=2, seconds=1))
        assert with_token(body["token"]).get("/api/v1/me/").status_code == 401


def test_signing_in_again_sweeps_the_users_expired_tokens(world):
    with time_machine.travel(START, tick=False) as clock:
        sign_in()
        clock.shift(datetime.timedelta(hours=11))
        _, fresh = sign_in()
        assert AuthToken.objects.filter(user=world.therapist).count() == 1
        assert with_token(fresh["token"]).get("/api/v1/me/").status_code == 200


def test_logout_ends_that_token_at_once_and_no_other(world):
    _, first = sign_in()
    _, second = sign_in()
    response = with_token(first["token"]).post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert with_token(first["token"]).get("/api/v1/me/").status_code == 401
    assert with_token(second["token"]).get("/api/v1/me/").status_code == 200
    assert with_token(first["token"]).post("/api/v1/auth/logout/").status_code == 401


def test_sign_in_and_sign_out_are_audited_with_ids_only(world):
    _, body = sign_in()
    with_token(body["token"]).post("/api/v1/auth/logout/")
    events = AuditEvent.objects.filter(actor=world.therapist, object_type="user").order_by("id")
    assert [(e.action, e.object_id, e.changes) for e in events] == [
        ("sign_in", str(world.therapist.pk), {"method": "token", "mfa": False}),
        ("sign_out", str(world.therapist.pk), {"method": "token"}),
    ]


def test_wrong_credentials_make_no_token_and_no_audit_row(world):
    assert sign_in(password="wrong")[0] == 400
    assert not AuthToken.objects.exists()
    assert not AuditEvent.objects.filter(action="sign_in").exists()


def test_a_request_looks_its_token_up_with_one_query(world):
    _, body = sign_in()
    api = with_token(body["token"])
    api.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/me/").status_code == 200
    token_queries = [q["sql"] for q in captured if AuthToken._meta.db_table in q["sql"]]
    assert len(token_queries) == 1, token_queries
    # The token row and its user come together: /me/ costs that one query and nothing more.
    assert len(captured) == 1, [q["sql"] for q in captured]


def test_an_unknown_or_malformed_token_is_401(world):
    for header in ("Token nope", "Token " + "a" * 64, "Token", "Token a b"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/me/").status_code == 401


def test_the_migration_drops_drfs_clear_text_token_table(transactional_db):
    """A database upgraded from DRF's authtoken loses its table of never-expiring clear-text keys
    (accounts/migrations/0002); a fresh one never has it. (CI's check-migrate-forward runs it on
    a database migrated at an older commit, too.)"""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("accounts.migrations.0002_drop_drf_authtoken")
    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef', 1)")
    with connection.schema_editor() as editor:
        migration.drop_drf_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert "knox_authtoken" in connection.introspection.table_names()
