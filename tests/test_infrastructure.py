"""The suite runs against the servers the environment names, never the real database."""

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.db import connection

from careteam.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def test_database_is_the_one_database_url_names(db):
    url = os.environ.get("DATABASE_URL")
    expected = dj_database_url.parse(url)["ENGINE"].rsplit(".", 1)[-1] if url else "sqlite3"
    vendor = {"postgresql": "postgresql", "sqlite3": "sqlite"}[expected]
    assert connection.vendor == vendor
    if vendor == "postgresql":
        assert connection.settings_dict["NAME"].startswith("test_")
        assert "pool" not in connection.settings_dict.get("OPTIONS", {})
        with connection.cursor() as cursor:
            cursor.execute("select current_database()")
            assert cursor.fetchone()[0].startswith("test_")


def test_celery_uses_redis_when_redis_url_is_set():
    url = os.environ.get("REDIS_URL")
    if url:
        assert celery_app.conf.broker_url == url and not celery_app.conf.task_always_eager
        import redis

        assert redis.Redis.from_url(url).ping() is True
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    else:
        assert celery_app.conf.task_always_eager  # embedded default: in-process tasks


def _settings_process(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "PYTEST_VERSION",
            "PYTEST_CURRENT_TEST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="careteam.settings", CARETEAM_NO_DOTENV="1")
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_production_settings_have_no_insecure_defaults():
    result = _settings_process({"DEBUG": "false"}, "import django; django.setup()")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("command", "works"),
    [
        (["makemigrations", "--check", "--dry-run"], True),  # schema tools need no secret
        (["check"], False),
        (["migrate", "--plan"], False),
    ],
)
def test_only_schema_tools_run_without_the_production_variables(command, works):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "PYTEST_VERSION",
            "PYTEST_CURRENT_TEST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update(DEBUG="false", CARETEAM_NO_DOTENV="1")
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if works:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_check_deploy_with_production_values_reports_nothing():
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-value-0123456789",
        "ALLOWED_HOSTS": "careteam.example.org",
    }
    code = (
        "import django, sys; django.setup(); from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = _settings_process(env, code)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
