"""A quiet console (issue 12): `make run` prints no demo email and ends with the logins; emails
link to the port served; a refused or missing request is one log line without a traceback (a
500 keeps its traceback); with DEBUG on, the 404/403/500 pages are CareTeam's own."""

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.test import Client

from careteam.logs import OneLineRefusalsFormatter
from careteam.roles import Role
from seed.management.commands.seed_demo import DEMO_PASSWORD, DEMO_STAFF
from tests.careteam.factories import UserFactory
from tests.processes import ROOT, free_port, wait_for

# What Django's console mail backend prints for every message.
EMAIL_MARKERS = ("Subject: ", "From: ", "Content-Type: text/plain", "MIME-Version: ")


# --- make run -----------------------------------------------------------------------------------


def clean_clone(target: Path) -> Path:
    """The project's files as a fresh clone has them (tracked and new files; nothing git ignores:
    no .venv, .env or var/)."""
    listed = subprocess.run(  # noqa: S603 - fixed git command
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


class Output:
    """A process's output, read as it comes."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    def text(self) -> str:
        return "\n".join(self.lines)


class Browser:
    """Cookies and the CSRF token, enough to sign in and post a form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(c.value or "" for c in self.cookies if c.name == "csrftoken")

    def request(self, path: str, data: dict | None = None) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode() if data else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - the test's own server
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def login_lines() -> list[str]:
    return [
        f"{username:<13} password: {DEMO_PASSWORD.format(username=username)}" for username, *_ in DEMO_STAFF
    ]


def test_make_run_prints_no_email_ends_with_the_logins_and_a_403_is_one_line(tmp_path):
    """`make run` in a clean clone (the venv of this test run stands in for the one it would make)
    on a port of its own: no email before it serves, the logins are its last lines; a password
    reset email links to that port; a 403 and a 404 are one line each, without the query string."""
    clone = clean_clone(tmp_path / "clone")
    port = free_port()
    venv = Path(sys.prefix)
    env = {
        key: value
        for key, value in os.environ.items()
        # The clone's own settings: SQLite under the clone, tasks in-process, its own .env.
        if key not in {"DATABASE_URL", "REDIS_URL", "SITE_URL", "DEBUG", "CARETEAM_NO_DOTENV", "PYTHONPATH"}
        and not key.startswith(("PYTEST", "DJANGO"))
    }
    command = ["make", "-o", str(venv / ".installed-stamp"), "run", f"VENV={venv}", f"PORT={port}"]
    process = subprocess.Popen(  # noqa: S603 - fixed command
        command, cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    output = Output(process)
    try:

        def started() -> bool:
            assert process.poll() is None, f"make run exited:\n{output.text()}"
            text = output.text()
            return f"Starting development server at http://127.0.0.1:{port}/" in text and all(
                line in text for line in login_lines()
            )

        wait_for(started, timeout=240, what="make run to serve")
        time.sleep(1)  # anything else it would print at start-up
        startup = output.text()
        for marker in EMAIL_MARKERS:
            assert marker not in startup, f"an email was printed:\n{startup}"
        last = [line for line in startup.splitlines() if line.strip()][-len(DEMO_STAFF) - 1 :]
        assert last[0].endswith("Demo logins (one per role):"), startup
        for line, expected in zip(last[1:], login_lines(), strict=True):
            assert line.rstrip().endswith(expected), startup

        base = f"http://127.0.0.1:{port}"
        # An email sent by the served site links to the port it is served on.
        browser = Browser(base)
        assert browser.request("/accounts/password-reset/") == 200
        before = len(output.lines)
        assert browser.request("/accounts/password-reset/", {"email": "theo.rivera@example.org"}) == 200
        wait_for(lambda: "Subject: " in "\n".join(output.lines[before:]), timeout=20, what="the reset email")
        wait_for(lambda: "/password-reset/" in "\n".join(output.lines[before:]), timeout=5, what="the link")
        links = re.findall(r"http://[^\s\"<>]+", "\n".join(output.lines[before:]))
        assert links and all(link.startswith(f"{base}/") for link in links), links

        # A signed-in therapist refused the staff list, and a page that is not there.
        browser = Browser(base)
        assert browser.request("/accounts/login/") == 200
        signed_in = browser.request(
            "/accounts/login/",
            {"username": "therapist", "password": DEMO_PASSWORD.format(username="therapist")},
        )
        assert signed_in == 200  # followed to the home page
        before = len(output.lines)
        assert browser.request("/staff/?q=Jordan") == 403
        assert browser.request("/no-such-page/?q=Jordan") == 404
        time.sleep(1)
        refused = [line for line in output.lines[before:] if "/staff/" in line]
        missing = [line for line in output.lines[before:] if "/no-such-page/" in line]
        assert len(refused) == 1 and len(missing) == 1, "\n".join(output.lines[before:])
        assert refused[0].endswith("WARNING django.request Forbidden (Permission denied): /staff/")
        assert missing[0].endswith("WARNING django.request Not Found: /no-such-page/")
        assert "Traceback" not in "\n".join(output.lines[before:])
        assert "Jordan" not in "\n".join(output.lines)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def test_make_run_links_emails_to_the_port_it_serves():
    """The Makefile's own answer (make -n prints the recipe): SITE_URL follows HOST and PORT,
    and a SITE_URL from the environment wins."""
    venv = Path(sys.prefix)

    def recipe(**env: str) -> str:
        environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
        return subprocess.run(  # noqa: S603 - fixed command
            ["make", "-n", "-o", str(venv / ".installed-stamp"), "-o", ".env", "run", f"VENV={venv}"],  # noqa: S607
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    served = recipe(PORT="8123")
    assert "SITE_URL='http://127.0.0.1:8123'" in served and "serve_demo 127.0.0.1:8123" in served
    assert "seed_demo -v 0" in served
    assert "SITE_URL='https://care.example.org'" in recipe(PORT="8123", SITE_URL="https://care.example.org")


# --- one line per refusal -----------------------------------------------------------------------


def configured_formatter() -> logging.Formatter:
    """The formatter of the project's console handler (settings.LOGGING)."""
    formatters = [
        handler.formatter
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, OneLineRefusalsFormatter)
    ]
    assert formatters, "settings.LOGGING's console handler is configured"
    return formatters[0]


def request_lines(caplog, client: Client, path: str) -> tuple[int, list[str]]:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(path)
    formatter = configured_formatter()
    text = "\n".join(formatter.format(r) for r in caplog.records if r.name.startswith("django."))
    return response.status_code, text.splitlines()


@pytest.fixture
def therapist_client(db):
    therapist = UserFactory.create(username="theo", role=Role.THERAPIST)
    client = Client()
    client.force_login(therapist)
    return client


def test_a_403_is_one_log_line_without_traceback_or_query(caplog, therapist_client):
    status, lines = request_lines(caplog, therapist_client, "/staff/?q=Jordan")
    assert status == 403
    assert len(lines) == 1, lines
    assert lines[0].endswith("WARNING django.request Forbidden (Permission denied): /staff/")


def test_a_404_is_one_log_line_without_query(caplog, therapist_client):
    status, lines = request_lines(caplog, therapist_client, "/patients/999999/?q=Jordan")
    assert status == 404
    assert lines == [lines[0]] and lines[0].endswith("WARNING django.request Not Found: /patients/999999/")


@pytest.mark.urls("tests.careteam.console_urls")
def test_a_500_keeps_its_traceback(caplog, therapist_client):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory.create(role=Role.ADMIN))
    status, lines = request_lines(caplog, client, "/boom/")
    assert status == 500
    assert lines[0].endswith("ERROR django.request Internal Server Error: /boom/")
    assert "Traceback (most recent call last):" in lines
    assert lines[-1] == "RuntimeError: boom"


def test_dev_server_access_lines_lose_the_query_and_leave_4xx_to_django_request():
    from careteam.logs import DevServerAccessFilter

    access = DevServerAccessFilter()

    def record(line: str, status: int) -> logging.LogRecord:
        made = logging.LogRecord(
            "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (line, str(status), "9"), None
        )
        made.status_code = status
        return made

    ok = record("GET /patients/?q=Jordan HTTP/1.1", 200)
    assert access.filter(ok) and ok.getMessage() == '"GET /patients/ HTTP/1.1" 200 9'
    assert not access.filter(record("GET /staff/?q=Jordan HTTP/1.1", 403))
    missing_static = record("GET /static/careteam/nope.css HTTP/1.1", 404)
    assert access.filter(missing_static)  # runserver answers static files without Django's log


# --- CareTeam's own error pages with DEBUG on ---------------------------------------------------


def test_debug_404_for_an_unknown_url_is_careteams_page(settings, therapist_client):
    settings.DEBUG = True
    response = therapist_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Not found</h1>" in html and "DEBUG = True" not in html
    assert "emergency access" in html  # a clinician is offered break-glass


def test_debug_404_from_a_view_is_careteams_page(settings, therapist_client):
    settings.DEBUG = True
    response = therapist_client.get("/patients/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Not found</h1>" in html and "DEBUG = True" not in html


def test_debug_slash_redirect_still_works(settings, therapist_client):
    settings.DEBUG = True
    assert therapist_client.get("/staff").status_code == 301


def test_debug_403_is_careteams_page(settings, therapist_client):
    settings.DEBUG = True
    response = therapist_client.get("/staff/")
    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in response.content.decode()


@pytest.mark.urls("tests.careteam.console_urls")
@pytest.mark.parametrize("debug", [True, False])
def test_500_is_careteams_page_with_the_request_id(settings, db, debug, caplog):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html and "Traceback" not in html
    assert response["X-Request-ID"] in html
    # Logged once, with its traceback.
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert len(errors) == 1 and errors[0].exc_info is not None


@pytest.mark.urls("tests.careteam.console_urls")
def test_debug_500_still_reaches_the_test_client(settings, db):
    settings.DEBUG = True
    with pytest.raises(RuntimeError, match="boom"):
        Client().get("/boom/")


def test_seed_demo_sends_no_email_and_keeps_preferences(transactional_db, mailoutbox, capsys, celery_eager):
    """Committed for real (flag delivery runs on commit, in-process as under `make run`)."""
    from django.core.management import call_command

    from careteam.models import User
    from flags.models import Notification

    call_command("seed_demo", force=True)
    assert mailoutbox == []
    assert Notification.objects.filter(channel=Notification.Channel.IN_APP).exists()
    assert not Notification.objects.filter(channel=Notification.Channel.EMAIL).exists()
    assert set(User.objects.values_list("email_notifications", flat=True)) == {User.EmailPreference.ACTION}
    out = capsys.readouterr().out
    assert out.rstrip().endswith(login_lines()[-1])
    call_command("seed_demo", force=True, verbosity=0)
    assert capsys.readouterr().out == ""
