"""CareTeam settings: one module, read from the environment.

Local defaults (no environment at all) give the embedded set-up: SQLite under the project,
Celery tasks run in-process, mail printed to the console. Production values come only from the
environment; with DEBUG off there is no insecure fallback for any of them.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Local overrides from a git-ignored `.env` (KEY=VALUE lines), written by `make run`.
    Real environment variables win."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


if not os.environ.get("CARETEAM_NO_DOTENV"):
    _load_dotenv(BASE_DIR / ".env")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_list_if_set(name: str, default: list[str]) -> list[str]:
    """Like env_list, but a variable that is set and empty means an empty list, not the default."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# pytest sets PYTEST_VERSION for the duration of a run.
TESTING = "PYTEST_VERSION" in os.environ or "pytest" in sys.modules
DEBUG = env_bool("DEBUG", False)
LOCAL = DEBUG or TESTING

# Schema tools (`manage.py makemigrations --check` in CI or a hook) read models and migrations
# only: they sign nothing and serve nothing, so they run without the production variables. The
# web, the workers and every other command still refuse to start without them.
SCHEMA_ONLY = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] in (
    ["makemigrations"],
    ["showmigrations"],
    ["sqlmigrate"],
)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (LOCAL or SCHEMA_ONLY):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "local-only-insecure-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if LOCAL or SCHEMA_ONLY else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "careteam",
    "patients",
    "accounts",
    "flags",
    "therapy",
    "medication",
    "casemanagement",
    "emergency",
    "insights",
    "seed",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise: static files keep their own caching headers.
    "careteam.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "careteam.middleware.RequestIdMiddleware",
    # DEBUG only: CareTeam's 404/500 pages instead of Django's technical ones. Outside the
    # database-outage middleware (whose 503 comes first) and CommonMiddleware (slash redirects).
    "careteam.errorpages.DebugErrorPagesMiddleware",
    # Before every middleware that may touch the database (sessions, authentication, axes).
    "careteam.errors.DatabaseUnavailableMiddleware",
    "careteam.middleware.RejectBadInputMiddleware",
    "careteam.middleware.IdleTimeoutSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # A signed-in user whose role must use two-factor sign-in reaches only the enrolment pages
    # until they have set it up (MFA_REQUIRED_ROLES).
    "accounts.middleware.MfaEnrolmentRequiredMiddleware",
    # After authentication: a 403/404 on a patient path is audited as "denied" for the caller.
    "patients.middleware.DeniedAuditMiddleware",
]

ROOT_URLCONF = "careteam.urls"
WSGI_APPLICATION = "careteam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "careteam.context_processors.navigation",
                "flags.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'careteam.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short web queries: JIT compilation costs more than it saves (seen on the 100k benchmark).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # The connection pool is opt-in (web processes only). It stays off in tests — a pool opened
    # before the test database exists would point at the real database — and in Celery workers.
    if env_bool("DATABASE_POOL", False) and not TESTING:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 2),
            "max_size": env_int("DATABASE_POOL_MAX", 10),
            # While the database is down a request waits this long for a connection, then
            # answers 503 (careteam.errors.DatabaseUnavailableMiddleware); the pool's default
            # (30 s) is gunicorn's worker timeout, which would kill the worker first.
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
            # A failed reconnection is retried with a doubling delay for this long, then given up
            # and started afresh by the next request: after an outage the pool is back within
            # seconds, not after a delay as long as the outage itself (the default is 5 minutes).
            "reconnect_timeout": 10,
        }
        # Each pooled connection is checked as it is handed out, so one left broken by a
        # database restart is replaced instead of failing a request after the database is back.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "careteam.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Object permissions are decided by careteam.access, which reads guardian's tables itself;
    # the backend is here so that user.has_perm(perm, obj) agrees with it.
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions in accounts' own table, which records whose session each row is: deactivation, a
# role change and a password change or reset delete that user's sessions (accounts.services).
SESSION_ENGINE = "accounts.sessions"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed sign-ins (django-axes): per username and address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# API tokens (django-rest-knox): stored as SHA-512 digests, a new one per sign-in, expiring
# API_TOKEN_HOURS after it; POST /api/v1/auth/logout/ deletes it.
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 10)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",  # API.md: Authorization: Token <token>
    "AUTO_REFRESH": False,
}

# Two-factor sign-in (django-otp, TOTP with recovery codes). MFA_REQUIRED_ROLES lists the roles
# that must set it up before they reach anything else: every role in production unless the
# variable says otherwise; none locally (DEBUG or tests), so the printed demo logins work. Set
# but empty: no role.
_ALL_ROLES = ["therapist", "psychiatrist", "case_manager", "admin"]  # careteam.roles.Role
MFA_REQUIRED_ROLES = env_list_if_set("MFA_REQUIRED_ROLES", [] if LOCAL else _ALL_ROLES)
_unknown_roles = set(MFA_REQUIRED_ROLES) - set(_ALL_ROLES)
if _unknown_roles:
    raise ImproperlyConfigured(f"MFA_REQUIRED_ROLES names unknown roles: {sorted(_unknown_roles)}")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "CareTeam")

# Password reset links expire this long after they were sent (and once used).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60

# Idle timeout: the session expires this long after the last request. Activity renews it at
# most once a minute (careteam.middleware.IdleTimeoutSessionMiddleware), not on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 15) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Guardian: object permissions only through the direct FK models; no anonymous user.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Security (production) -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): this origin only, no inline script or style anywhere
# (templates load careteam/static/... files; htmx is configured by a <meta> tag, without eval).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page of CareTeam uses (careteam.middleware.SecurityHeadersMiddleware).
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
if not LOCAL:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Health checks from the container runtime come over plain HTTP on the inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- i18n / static --------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if LOCAL
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Redis, cache, Celery -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "careteam",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # embedded default: tasks run in-process
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Longer than any task runs and any countdown used; far-ahead work goes through beat instead.
# A task whose worker died unacknowledged is handed out again after visibility_timeout; the
# worker looks for such tasks about every interval x throttle seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    # Publishing fails at once when Redis is unreachable instead of retrying inside a request:
    # the outbox row is already committed and the beat job publishes it again.
    "max_retries": 0,
}
# Publishing must not hold a request up when Redis is unreachable: the outbox keeps the work.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_BEAT_SCHEDULE: dict = {
    "outbox-republish": {"task": "flags.tasks.republish_outbox", "schedule": 30.0},
    "flags-escalate": {"task": "flags.tasks.escalate_flags", "schedule": 60.0},
    "phq9-review-flags": {"task": "therapy.tasks.raise_phq9_review_flags", "schedule": 6 * 3600.0},
    "resource-imports-resume": {"task": "casemanagement.tasks.resource_imports_resume", "schedule": 300.0},
}
# Directory CSV import: rows per transaction (progress is saved after each chunk).
CASEMANAGEMENT_IMPORT_CHUNK_SIZE = env_int("CASEMANAGEMENT_IMPORT_CHUNK_SIZE", 100)

# --- Flags and notifications ----------------------------------------------------------------
FLAG_ESCALATION_MINUTES = env_int("FLAG_ESCALATION_MINUTES", 15)
# Automatic flags: this many "missed" adherence observations in a row on one order.
NON_ADHERENCE_FLAG_AFTER = env_int("NON_ADHERENCE_FLAG_AFTER", 3)
# ... this many no-shows in a row; and no 50% PHQ-9 improvement this many weeks after baseline.
MISSED_SESSIONS_FLAG_AFTER = env_int("MISSED_SESSIONS_FLAG_AFTER", 2)
NO_IMPROVEMENT_WEEKS = env_int("NO_IMPROVEMENT_WEEKS", 10)
# Outbox rows not delivered this long after they were written are published again.
OUTBOX_REPUBLISH_AFTER_SECONDS = env_int("OUTBOX_REPUBLISH_AFTER_SECONDS", 30)

# --- Emergency access (break-glass) -----------------------------------------------------------
# How long a clinician's read-only emergency access to a patient off their care teams lasts.
BREAK_GLASS_MINUTES = env_int("BREAK_GLASS_MINUTES", 60)

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if LOCAL
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # file backend only
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CareTeam <careteam@localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "careteam.api_common.StandardPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # A JSON body must be an object without NUL characters (API.md "Robustness").
    "DEFAULT_PARSER_CLASSES": [
        "careteam.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "careteam.api_common.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CareTeam API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from the drf-spectacular-sidecar package's static files, never a CDN; the
    # schema and the docs page are for signed-in users only (careteam/urls.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "StaffRoleEnum": "careteam.roles.Role",
        "CareTeamRoleEnum": [
            ("therapist", "Therapist"),
            ("psychiatrist", "Psychiatrist"),
            ("case_manager", "Case manager"),
        ],
    },
}

# --- Logging: ids only, never patient data --------------------------------------------------
# One line per refused request (4xx), without a traceback; 5xx keep theirs (careteam/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "class": "careteam.logs.OneLineRefusalsFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "filters": {"dev_server_access": {"()": "careteam.logs.DevServerAccessFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["dev_server_access"]},
    },
    "loggers": {
        # Django's own console handler (DEBUG only) would print each of its lines a second time,
        # tracebacks included: its records go to the root handler only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
