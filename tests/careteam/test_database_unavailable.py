"""While the database cannot be reached, pages answer 503 with a short message page and the API
503 with {"detail": ...}; never a 500 or a traceback, never patient data, and nothing written.
The database is made unreachable for real: on PostgreSQL the connection is closed and pointed at
a port where no server listens (psycopg's "connection refused"); on SQLite, whose in-memory test
database cannot be closed and reopened, every statement fails as sqlite3 fails on a lost file."""

import logging
from contextlib import ExitStack
from importlib import import_module

import pytest
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from careteam.errors import UNAVAILABLE_MESSAGE
from flags.models import Flag
from tests.processes import free_port

pytestmark = pytest.mark.django_db(transaction=True)

PATIENT_NAMES = ("Jordan", "Avery")


class _Outage:
    def __init__(self) -> None:
        self._stack = ExitStack()
        self.only: str | None = None

    def _fail(self, execute, sql, params, many, context):
        if self.only is None or self.only in sql:
            raise OperationalError("unable to open database file")
        return execute(sql, params, many, context)

    def start(self, *, only: str | None = None) -> None:
        """Every statement fails (``only``: just those naming that table, on either backend)."""
        self.only = only
        if connection.vendor == "postgresql" and only is None:
            connection.close()
            self.saved = dict(connection.settings_dict)
            connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
            self._stack.callback(self._restore)
        else:
            self._stack.enter_context(connection.execute_wrapper(self._fail))

    def _restore(self) -> None:
        connection.close()
        connection.settings_dict.update(self.saved)

    def end(self) -> None:
        self._stack.close()


@pytest.fixture
def outage():
    down = _Outage()
    yield down
    down.end()


def assert_clean_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Temporarily unavailable" in body and UNAVAILABLE_MESSAGE in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert not any(name in body for name in PATIENT_NAMES)


def assert_clean_api(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": UNAVAILABLE_MESSAGE}


def test_patient_page_during_an_outage_is_a_503_message_page(world, page_client, outage, caplog):
    client = page_client(world.therapist)
    url = reverse("patient_detail", args=[world.patient.pk])
    assert client.get(url).status_code == 200
    outage.start()
    with caplog.at_level(logging.WARNING, logger="careteam.errors"):
        response = client.get(url)
    assert_clean_page(response)
    assert "database unavailable (OperationalError): GET request" in caplog.text
    assert not any(name in caplog.text for name in PATIENT_NAMES)
    outage.end()
    assert client.get(url).status_code == 200  # back without anything being restarted


def test_a_form_post_during_an_outage_is_a_503_and_writes_nothing(world, page_client, outage):
    client = page_client(world.therapist)
    outage.start()
    response = client.post(
        reverse("flag_create", args=[world.patient.pk]),
        {"category": "side_effect", "severity": "routine", "message": "Rash"},
    )
    assert_clean_page(response)
    outage.end()
    assert not Flag.objects.exists()


def test_traceback_page_is_not_shown_even_with_debug_on(world, page_client, outage, settings):
    settings.DEBUG = True
    client = page_client(world.therapist)
    outage.start()
    assert_clean_page(client.get(reverse("patient_detail", args=[world.patient.pk])))


def test_signed_out_visitor_gets_the_503_page_too(world, outage):
    outage.start()
    # The sign-in page itself reads the session (and axes its lockout table).
    response = Client().post(reverse("login"), {"username": "theo", "password": "x"})
    assert_clean_page(response)


def test_session_save_failing_in_the_middleware_is_a_503_not_a_500(world, page_client, outage, settings):
    """The view ran, then the session middleware could not save the session (the database went
    away in between): Django turns that middleware's exception into a 500 before any outer
    middleware sees it; the answer is still the 503 page."""
    settings.SESSION_RENEW_SECONDS = 0  # every request renews (saves) the session
    client = Client(raise_request_exception=False)
    client.force_login(world.therapist)
    # The table of the configured session engine (accounts.sessions: one row per session, with its user).
    session_table = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()._meta.db_table
    outage.start(only=session_table)
    response = client.get(reverse("patient_list"))
    assert_clean_page(response)


def test_api_during_an_outage_is_a_503_json_and_writes_nothing(world, api_client, outage, caplog):
    client = api_client(world.therapist)
    outage.start()
    # Token authentication is the first thing to need the database.
    assert_clean_api(client.get(f"/api/v1/patients/{world.patient.pk}/"))
    with caplog.at_level(logging.WARNING, logger="careteam.errors"):
        response = client.post(
            f"/api/v1/patients/{world.patient.pk}/flags/",
            {"category": "safety", "severity": "urgent", "message": "Said he has a plan"},
            format="json",
        )
    assert_clean_api(response)
    assert "database unavailable (OperationalError): POST request" in caplog.text
    assert "plan" not in caplog.text
    outage.end()
    assert not Flag.objects.exists()
    assert client.get(f"/api/v1/patients/{world.patient.pk}/").status_code == 200


def test_api_failing_inside_the_view_is_a_503_json(world, api_client, outage):
    """Authentication worked; the view's own query fails."""
    client = api_client(world.therapist)
    outage.start(only="careteam_flag")
    assert_clean_api(client.get(f"/api/v1/patients/{world.patient.pk}/flags/"))


def test_anonymous_api_call_during_an_outage_is_still_401(outage):
    # Nothing to look up without credentials: the refusal needs no database.
    outage.start()
    assert Client().get("/api/v1/patients/").status_code == 401


def test_other_database_errors_keep_their_own_answers():
    from careteam.errors import is_database_unavailable

    assert is_database_unavailable(OperationalError("server closed the connection unexpectedly"))
    assert not is_database_unavailable(IntegrityError("UNIQUE constraint failed"))
