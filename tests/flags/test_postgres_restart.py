"""PostgreSQL goes down and comes back while flags are being raised and pages served.

Everything is real and of the test's own: a PostgreSQL 15 cluster (initdb into a temporary
directory), a Redis server, the app under gunicorn as in the Dockerfile (two sync workers, the
connection pool on as in docker-compose.yml) and a Celery worker. The cluster is stopped as in a
crash (``pg_ctl stop -m immediate``: no checkpoint, the write-ahead log is replayed on start)
while a client keeps raising flags through the API and reading pages; then it is started again on
the same port. Requests while it is down answer 503 with the message (never a 500 or a traceback),
every flag whose 201 came back is still there, every flag in the database reaches each recipient
exactly once per channel, and the same gunicorn workers serve 200 again without a restart.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests

from careteam.celery import app as celery_app
from careteam.errors import UNAVAILABLE_MESSAGE
from tests.processes import (
    ROOT,
    CeleryClientConfig,
    CeleryWorker,
    GunicornServer,
    PostgresServer,
    RedisServer,
    new_queue,
    wait_for,
)

pytestmark = pytest.mark.skipif(
    not (PostgresServer.available() and shutil.which("redis-server")),
    reason="needs PostgreSQL 15 binaries and redis-server (CI has both; a skip fails CI)",
)

DBNAME = "careteam_outage"
PASSWORD = "Correct-Horse-42!"  # tests.careteam.factories.PASSWORD
# A side-effect flag Theo raises reaches Priya (who must act: in the app and by email) and Carmen
# (for information, in the app), as in test_flag_delivery_live.py.
EXPECTED = {("priya", "in_app"): 1, ("priya", "email"): 1, ("carmen", "in_app"): 1}

SEED = f"""
import json
import os
from careteam.roles import Role
from tests.careteam.factories import UserFactory
from tests.patients.factories import make_patient
ada = UserFactory.create(username="ada", role=Role.ADMIN, password="{PASSWORD}")
theo = UserFactory.create(username="theo", role=Role.THERAPIST, password="{PASSWORD}")
priya = UserFactory.create(username="priya", role=Role.PSYCHIATRIST, password="{PASSWORD}")
carmen = UserFactory.create(username="carmen", role=Role.CASE_MANAGER, password="{PASSWORD}")
patient = make_patient(
    actor=ada, first_name="Jordan", last_name="Avery",
    team=[(theo, Role.THERAPIST), (priya, Role.PSYCHIATRIST), (carmen, Role.CASE_MANAGER)],
)
print(json.dumps({{"patient": patient.pk}}))
"""


@dataclass
class Answer:
    what: str  # "flag", "page" or "api"
    phase_at_start: str
    phase_at_end: str
    status: int | None  # None: no HTTP answer at all
    body: str
    retry_after: str | None = None
    error: str = ""

    @property
    def during_outage(self) -> bool:
        return self.phase_at_start == self.phase_at_end == "down"


@dataclass
class Traffic:
    """A client that keeps raising flags and reading pages, noting what came back and when."""

    base: str
    token: str
    page_session: requests.Session
    patient: int
    phase: str = "up"
    answers: list[Answer] = field(default_factory=list)
    created: dict[int, str] = field(default_factory=dict)  # flag id -> message, for every 201
    stop: threading.Event = field(default_factory=threading.Event)
    sent: int = 0

    def raise_flag(self) -> Answer:
        self.sent += 1
        message = f"Outage test flag {self.sent}"
        answer = self._call(
            "flag",
            lambda: requests.post(
                f"{self.base}/api/v1/patients/{self.patient}/flags/",
                json={"category": "side_effect", "severity": "routine", "message": message},
                headers={"Authorization": f"Token {self.token}"},
                timeout=60,
            ),
        )
        if answer.status == 201:
            self.created[json.loads(answer.body)["id"]] = message
        return answer

    def read_page(self) -> Answer:
        return self._call(
            "page", lambda: self.page_session.get(f"{self.base}/patients/{self.patient}/", timeout=60)
        )

    def read_api(self) -> Answer:
        return self._call(
            "api",
            lambda: requests.get(
                f"{self.base}/api/v1/patients/{self.patient}/flags/",
                headers={"Authorization": f"Token {self.token}"},
                timeout=60,
            ),
        )

    def _call(self, what: str, send) -> Answer:
        start = self.phase
        try:
            response = send()
        except requests.RequestException as exc:
            answer = Answer(what, start, self.phase, None, "", error=type(exc).__name__)
        else:
            answer = Answer(
                what,
                start,
                self.phase,
                response.status_code,
                response.text,
                response.headers.get("Retry-After"),
            )
        self.answers.append(answer)
        return answer

    def keep_raising_flags(self) -> None:
        while not self.stop.is_set():
            self.raise_flag()
            time.sleep(0.2)

    def keep_reading(self) -> None:
        while not self.stop.is_set():
            self.read_page()
            self.read_api()
            time.sleep(0.1)

    def seen_during_outage(self, *, each: int) -> bool:
        kinds = Counter(a.what for a in self.answers if a.during_outage)
        return all(kinds[what] >= each for what in ("flag", "page", "api"))


def _sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/accounts/login/", timeout=60)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert csrf, form.text[:500]
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=60,
    )
    assert response.status_code == 200 and "/accounts/login/" not in response.url, response.text[:500]
    return session


def _token(base: str, username: str) -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def _run(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _emails_per_flag(maildir: Path) -> Counter:
    """(flag id, recipient address) for every email the worker sent (file backend: one file per
    connection, messages separated by a line of dashes)."""
    sent: Counter = Counter()
    for path in maildir.glob("*.log"):
        for message in path.read_text().split("-" * 79):
            to = re.search(r"^To: (.+)$", message, re.MULTILINE)
            link = re.search(r"/flags/(\d+)/", message)
            if to and link:
                sent[(int(link.group(1)), to.group(1).strip())] += 1
    return sent


@pytest.fixture
def stack(tmp_path):
    """PostgreSQL, Redis, the migrated and seeded database, gunicorn and a Celery worker."""
    pg = PostgresServer()
    redis = RedisServer(tmp_path)
    queue = new_queue()
    maildir = tmp_path / "mail"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_"))}
    base_env.update(
        DATABASE_URL=pg.url(DBNAME),
        DEBUG="true",
        CARETEAM_NO_DOTENV="1",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        MFA_REQUIRED_ROLES="",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(maildir),
        OUTBOX_REPUBLISH_AFTER_SECONDS="3",
        PYTHONUNBUFFERED="1",
    )
    web = worker = None
    try:
        pg.init()
        pg.start()
        pg.createdb(DBNAME)
        redis.start()
        base_env["REDIS_URL"] = redis.url
        # The web and worker processes start while the database is migrated (neither needs it
        # to start).
        migrate = subprocess.Popen(
            [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"],
            cwd=ROOT,
            env=base_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        web = GunicornServer(env={**base_env, "DATABASE_POOL": "true"}, logdir=tmp_path)
        # Deliveries take a while (a pause between recipients, tests/slow_delivery.py), so the
        # crash lands in the middle of one.
        worker = CeleryWorker(
            broker_url=redis.url,
            queue=queue,
            logdir=tmp_path,
            app="tests.slow_delivery:app",
            database_url=pg.url(DBNAME),
            SLOW_DELIVERY_SECONDS="0.3",
            **{k: base_env[k] for k in ("EMAIL_BACKEND", "EMAIL_FILE_PATH", "MFA_REQUIRED_ROLES")},
            OUTBOX_REPUBLISH_AFTER_SECONDS="3",
        )
        web.start()
        worker.start()
        output, _ = migrate.communicate(timeout=180)
        assert migrate.returncode == 0, output
        seeded = json.loads(_run(base_env, "shell", "-c", SEED).strip().splitlines()[-1])
        yield pg, redis, web, worker, queue, maildir, seeded["patient"]
    finally:
        if worker:
            worker.stop()
        if web:
            web.stop()
        redis.stop()
        pg.remove()


def test_postgres_restart_fails_cleanly_loses_nothing_and_delivers_each_flag_once(stack):
    pg, redis, web, worker, queue, maildir, patient = stack
    base = web.url
    traffic = Traffic(base, _token(base, "theo"), _sign_in(base, "priya"), patient)
    workers_before = web.worker_pids()
    db = psycopg.connect(pg.url(DBNAME), autocommit=True)

    def delivering() -> bool:
        """A flag's delivery is under way: some of its notifications made, not all."""
        return bool(
            db.execute(
                """SELECT 1 FROM careteam_outboxmessage o JOIN careteam_notification n
                   ON n.flag_id = o.flag_id WHERE o.delivered_at IS NULL LIMIT 1"""
            ).fetchone()
        )

    # Before the outage: flags raised, pages served.
    for _ in range(3):
        assert traffic.raise_flag().status == 201
    assert traffic.read_page().status == 200

    # The outage, while flags are being raised and delivered and pages read.
    clients = [
        threading.Thread(target=traffic.keep_raising_flags, daemon=True),
        threading.Thread(target=traffic.keep_reading, daemon=True),
    ]
    for client in clients:
        client.start()
    wait_for(delivering, timeout=60, interval=0.05, what="a delivery under way")
    db.close()
    pg.stop("immediate")  # as in a crash: in the middle of that delivery
    traffic.phase = "down"
    down_since = time.monotonic()
    wait_for(
        lambda: traffic.seen_during_outage(each=2) and time.monotonic() - down_since > 3,
        timeout=90,
        what="requests of each kind answered during the outage",
    )
    traffic.phase = "restarting"
    pg.start()  # on the same port; it replays its write-ahead log first
    traffic.phase = "up again"
    served_in_a_row = []

    def serving_again() -> bool:
        # Both gunicorn workers' pools reconnect on their own: ten answers in a row.
        ok = traffic.read_page().status == 200 and traffic.read_api().status == 200
        served_in_a_row[:] = [*served_in_a_row, True] if ok else []
        return len(served_in_a_row) >= 10

    wait_for(serving_again, timeout=60, interval=0.1, what="the web app to serve again")
    traffic.stop.set()
    for client in clients:
        client.join(timeout=120)
        assert not client.is_alive()

    # After the outage: flags raised as before, by the same web processes.
    for _ in range(3):
        assert traffic.raise_flag().status == 201
    assert traffic.read_page().status == 200
    assert traffic.read_api().status == 200
    assert web.worker_pids() == workers_before, "a gunicorn worker was restarted"
    assert web.process is not None and web.process.poll() is None

    # Every answer was a success or a clean 503; while the database was down, always a 503.
    answers = [(a.what, a.phase_at_start, a.phase_at_end, a.status, a.error) for a in traffic.answers]
    for answer in traffic.answers:
        assert answer.status in {200, 201, 503}, answers
        assert "Traceback" not in answer.body and "OperationalError" not in answer.body
        if answer.status == 503:
            assert UNAVAILABLE_MESSAGE in answer.body and answer.retry_after == "30"
            assert "Jordan" not in answer.body and "Avery" not in answer.body
    assert {a.status for a in traffic.answers if a.during_outage} == {503}, answers
    assert "Traceback" not in web.log.read_text()

    # Nothing committed is lost, and every flag in the database is delivered exactly once.
    with psycopg.connect(pg.url(DBNAME), autocommit=True) as db:
        stored = dict(db.execute("SELECT id, message FROM careteam_flag").fetchall())
        assert traffic.created.items() <= stored.items(), "a flag answered with 201 is missing"

        def undelivered() -> int:
            # The beat job's re-publish, run as often as a test can wait for it.
            with CeleryClientConfig(broker_url=redis.url, queue=queue):
                celery_app.send_task("flags.tasks.republish_outbox")
            return db.execute(
                "SELECT count(*) FROM careteam_outboxmessage WHERE delivered_at IS NULL"
            ).fetchone()[0]

        wait_for(lambda: undelivered() == 0, timeout=120, interval=2, what="every flag to be delivered")
        time.sleep(2)  # a second delivery, if any, would land now
        rows = db.execute(
            """SELECT n.flag_id, u.username, n.channel, count(*), count(n.sent_at)
               FROM careteam_notification n JOIN careteam_user u ON u.id = n.recipient_id
               WHERE n.flag_id IS NOT NULL GROUP BY 1, 2, 3"""
        ).fetchall()
        emails = dict(db.execute("SELECT username, email FROM careteam_user").fetchall())
    per_flag: dict[int, Counter] = {flag_id: Counter() for flag_id in stored}
    for flag_id, username, channel, count, _ in rows:
        per_flag[flag_id][(username, channel)] += count
    assert {flag_id: dict(c) for flag_id, c in per_flag.items()} == dict.fromkeys(stored, EXPECTED)
    assert all(sent == count for _, _, channel, count, sent in rows if channel == "email")
    assert _emails_per_flag(maildir) == Counter({(flag_id, emails["priya"]): 1 for flag_id in stored})
    # The delivery the crash interrupted failed on the database and was tried again.
    assert "retry: Retry in" in worker.log.read_text()
