"""docker-compose.yml against the code it runs: every variable the compose file sets for the app's
services is one careteam/settings.py reads, and the web service runs gunicorn as the Dockerfile
does, with the access log that drops query strings. (`docker-compose config` itself runs in
.ci/run: Debian's docker-compose parses the file without an engine.)"""

import re
from pathlib import Path

import yaml

from careteam import settings as settings_module
from tests.processes import ROOT
from tests.test_logs_phi import dockerfile_command

# Read by something other than careteam/settings.py: Django itself, or the image.
READ_ELSEWHERE = {"DJANGO_SETTINGS_MODULE"}


def settings_variables() -> set[str]:
    """Names settings.py reads: its env_* helpers' first argument (env_str, env_int, env_bool,
    env_list and any helper added later, e.g. env_list_if_set) and os.environ."""
    source = Path(settings_module.__file__).read_text()
    helpers = re.findall(r"""\benv_[a-z_]+\(\s*["']([A-Z][A-Z0-9_]*)["']""", source)
    direct = re.findall(r"""os\.environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]*)["']""", source)
    return set(helpers) | set(direct)


def app_services() -> dict[str, dict]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("build") or str(service.get("image", "")).startswith("careteam")
    }


def test_the_settings_parser_sees_what_settings_read():
    names = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "DEBUG", "DATABASE_POOL"} <= names
    assert {"SESSION_IDLE_MINUTES", "CARETEAM_NO_DOTENV", "EMAIL_USE_TLS"} <= names
    assert len(names) > 25


def test_every_variable_compose_sets_for_the_app_is_read_by_the_settings():
    services = app_services()
    assert set(services) == {"migrate", "web", "worker", "beat"}
    known = settings_variables() | READ_ELSEWHERE
    for name, service in services.items():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        assert "SECRET_KEY" in environment, name  # the anchors merged
        unread = sorted(set(environment) - known)
        assert not unread, f"docker-compose.yml sets {unread} for {name}, which settings.py never reads"


def test_the_web_service_runs_gunicorn_as_the_image_does_without_query_strings_in_its_log():
    command = dockerfile_command()
    assert app_services()["web"]["command"] == command
    config = ROOT / command[command.index("-c") + 1]
    assert config.name in (ROOT / "Dockerfile").read_text().split("COPY manage.py", 1)[1].splitlines()[0]
    values: dict = {}
    exec(compile(config.read_text(), str(config), "exec"), values)  # noqa: S102 - our own file
    assert values["accesslog"] == "-"
    assert "%(U)s" in values["access_log_format"]
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "{referer}i"):
        assert leaky not in values["access_log_format"]
    # No flag on either command line overrides the file's access log.
    assert not any(arg.startswith("--access-log") for arg in command)
