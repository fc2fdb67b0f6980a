"""Shared fixtures: a care team with a story.

Theo (therapist), Priya (psychiatrist) and Carmen (case manager) look after Jordan. Olivia is a
therapist on another team (she looks after Robin), Nick is a therapist on no team yet, and Ada is
the admin. Every view test asks: does it work for the right role on the team, is it 404 for
Olivia, 403 for the wrong role on the team, and a login redirect / 401 for nobody.
"""

import datetime
import os
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from careteam.celery import app as celery_app
from careteam.models import User
from careteam.roles import Role
from patients.models import Goal, Patient
from patients.services import goal_create
from tests.careteam.factories import UserFactory
from tests.patients.factories import make_patient
from tests.processes import CeleryClientConfig, CeleryWorker, RedisServer, new_queue


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failure: nothing that needs a real service may quietly not run."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, which is not allowed: {report.longrepr}"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Argon2 costs ~0.1 s a hash; production hashing is checked in test_login_security.py.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    admin: User
    therapist: User
    psychiatrist: User
    case_manager: User
    outsider: User
    newcomer: User
    patient: Patient
    other_patient: Patient
    goal: Goal

    def member(self, user: User):
        return self.patient.team_members.get(user=user)


@pytest.fixture
def world(db) -> World:
    admin = UserFactory.create(username="ada", first_name="Ada", last_name="Admin", role=Role.ADMIN)
    therapist = UserFactory.create(
        username="theo", first_name="Theo", last_name="Rivera", role=Role.THERAPIST
    )
    psychiatrist = UserFactory.create(
        username="priya", first_name="Priya", last_name="Shah", role=Role.PSYCHIATRIST
    )
    case_manager = UserFactory.create(
        username="carmen", first_name="Carmen", last_name="Lopez", role=Role.CASE_MANAGER
    )
    outsider = UserFactory.create(
        username="olivia", first_name="Olivia", last_name="Other", role=Role.THERAPIST
    )
    newcomer = UserFactory.create(username="nick", first_name="Nick", last_name="New", role=Role.THERAPIST)
    patient = make_patient(
        actor=admin,
        first_name="Jordan",
        last_name="Avery",
        team=[
            (therapist, Role.THERAPIST),
            (psychiatrist, Role.PSYCHIATRIST),
            (case_manager, Role.CASE_MANAGER),
        ],
    )
    other_patient = make_patient(
        actor=admin, first_name="Robin", last_name="Hidden", team=[(outsider, Role.THERAPIST)]
    )

    goal = goal_create(
        actor=therapist,
        patient=patient,
        description="Fewer depressive days",
        measurable_target="PHQ-9 < 5",
        target_date=datetime.date(2027, 3, 1),
    )
    return World(
        admin, therapist, psychiatrist, case_manager, outsider, newcomer, patient, other_patient, goal
    )


@pytest.fixture
def page_client():
    """A browser-like client signed in as ``user`` (a real session)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client():
    """An API client using ``user``'s real token (Authorization: Token ...)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            _, token = AuthToken.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def celery_eager():
    """Run Celery tasks in-process for this test, also when REDIS_URL points at a real broker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def live_celery_worker(transactional_db, tmp_path):
    """A real Celery worker process on the real Redis (REDIS_URL), reading the test database.

    It consumes a queue of its own, so the machine's other workers and leftovers of earlier runs
    are never involved. Needs PostgreSQL and Redis: CI has both (and fails a skipped test).
    """
    if connection.vendor != "postgresql" or not django_settings.REDIS_URL:
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL; CI sets both")
    queue = new_queue()
    worker = CeleryWorker(
        broker_url=django_settings.REDIS_URL,
        queue=queue,
        logdir=tmp_path,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
    )
    with CeleryClientConfig(broker_url=None, queue=queue):
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of the test's own, on its own port (the machine's Redis is untouched)."""
    if connection.vendor != "postgresql" or not shutil.which("redis-server"):
        pytest.skip("needs PostgreSQL (DATABASE_URL) and redis-server; CI has both")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
