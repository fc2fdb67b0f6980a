"""No patient data in the web process's logs (issue 11, acceptance 4).

gunicorn runs as the Dockerfile runs it (its CMD, with the config file it names; only the address
and the number of workers differ), access log on, against the test database. A canary patient
name is searched on the page (posted, plain and by htmx; and in a query string, as an old bookmark
would), a result opened with a search URL as its Referer, searched through the API's
``?search=``, and sent with requests that end in a 404: the name must be in no line the process
writes, while the access lines and Django's own warnings are there.
"""

import json
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db import connection

from careteam.roles import Role
from tests.careteam.factories import PASSWORD, UserFactory
from tests.patients.factories import make_patient
from tests.processes import ROOT, free_port, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

CANARY_FIRST, CANARY_LAST = "Philomena", "Quibblecanary"


def dockerfile_command() -> list[str]:
    """The Dockerfile's CMD (exec form)."""
    text = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^CMD\s+(\[.*?\])\s*$", text.replace("\\\n", " "), re.MULTILINE | re.DOTALL)
    assert match, "the Dockerfile has an exec-form CMD"
    command = json.loads(match.group(1))
    assert command[0] == "gunicorn"
    return command


def _database_url(tmp_path: Path) -> str:
    """The test database for another process: PostgreSQL's as it is; SQLite's in-memory one
    copied to a file (the data is committed: this is a transactional test)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"
    path = tmp_path / "web.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


class Browser:
    """Just enough of a browser: cookies, CSRF token, Referer."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value or "" for c in self.cookies if c.name == "csrftoken")

    def request(self, method: str, path: str, *, data=None, headers=None, json_body=None):
        body = None
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # Always http://127.0.0.1:<port> of the test's own server.
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def canary_world(transactional_db, settings):
    # The web process hashes with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    admin = UserFactory.create(username="ada", role=Role.ADMIN)
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    therapist = UserFactory.create(username="theo", role=Role.THERAPIST)
    patient = make_patient(
        actor=admin,
        first_name=CANARY_FIRST,
        last_name=CANARY_LAST,
        record_number="MRN-CANARY-LOG",
        team=[(therapist, Role.THERAPIST)],
    )
    return admin, patient


@pytest.fixture
def web_process(canary_world, tmp_path):
    port = free_port()
    log = tmp_path / "web.log"
    command = [sys.executable, "-m", *dockerfile_command(), "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CARETEAM_NO_DOTENV": "1",
        "DATABASE_URL": _database_url(tmp_path),
        # DEBUG on: no TLS redirect or secure-only cookies for this plain-HTTP client, and Django
        # then logs more (its own console handler), not less.
        "DEBUG": "true",
        "LOG_LEVEL": "DEBUG",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Sign-in without a second factor for this test's admin (settings that do not read it
        # ignore it).
        "MFA_REQUIRED_ROLES": "",
    }
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - local test server
                return True
        except OSError:
            return False

    def stop() -> str:
        """Stop the server (every line it had to write is then written) and read its output."""
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)
        return log.read_text()

    try:
        wait_for(answers, timeout=60, what=f"gunicorn on port {port}")
        yield base, stop
    finally:
        stop()


def test_a_searched_patient_name_is_in_no_log_line(canary_world, web_process):
    admin, patient = canary_world
    base, stop = web_process
    browser = Browser(base)
    q = urllib.parse.quote(CANARY_LAST)

    # Sign in on the page.
    assert browser.request("GET", "/accounts/login/")[0] == 200
    status, _ = browser.request(
        "POST",
        "/accounts/login/",
        data={"username": "ada", "password": PASSWORD, "csrfmiddlewaretoken": browser.csrf()},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    assert status == 302

    # The page search posts the term, plain and as htmx sends it while typing; a URL with the
    # name in its query string (an old bookmark) is still logged without it; then a result is
    # opened with such a page as its Referer.
    search = {"q": CANARY_LAST, "csrfmiddlewaretoken": browser.csrf()}
    status, html = browser.request(
        "POST", "/patients/", data=search, headers={"Referer": f"{base}/patients/"}
    )
    assert status == 200 and CANARY_LAST in html
    status, rows = browser.request(
        "POST", "/patients/", data=search, headers={"HX-Request": "true", "Referer": f"{base}/patients/"}
    )
    assert status == 200 and CANARY_LAST in rows and "<html" not in rows
    search_page = f"{base}/patients/?q={q}"
    assert browser.request("GET", f"/patients/?q={q}")[0] == 200
    status, detail = browser.request("GET", f"/patients/{patient.pk}/", headers={"Referer": search_page})
    assert status == 200 and CANARY_LAST in detail
    # Refused and missing things are logged by Django as warnings: with the name in the query.
    assert browser.request("GET", f"/patients/{patient.pk + 1000}/?q={q}")[0] == 404

    # The API search, as an API client (token, no session).
    api = Browser(base)
    status, body = api.request(
        "POST", "/api/v1/auth/token/", json_body={"username": "ada", "password": PASSWORD}
    )
    assert status == 200, body
    token = {"Authorization": f"Token {json.loads(body)['token']}"}
    status, body = api.request("GET", f"/api/v1/patients/?search={q}", headers=token)
    assert status == 200 and CANARY_LAST in body
    status, _ = api.request("GET", f"/api/v1/patients/?search={q}&page=99", headers=token)
    assert status == 404

    # The process wrote its access lines and Django's warnings, and none holds the name.
    text = stop()
    for secret in (CANARY_LAST, CANARY_FIRST, q, "MRN-CANARY-LOG"):
        lines = [line for line in text.splitlines() if secret.lower() in line.lower()]
        assert not lines, f"{secret!r} in the web log:\n" + "\n".join(lines)
    assert '"GET /patients/ HTTP/1.1" 200' in text
    assert '"GET /api/v1/patients/ HTTP/1.1" 404' in text
    assert "Not Found: /api/v1/patients/" in text
