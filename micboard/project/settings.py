"""Django settings, every value from the environment with a documented default.

See ``.env.example`` for the full list. Errors in a setting stop the process with
one line that names the setting.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import django_stubs_ext

from micboard import __version__ as micboard_version
from micboard.exceptions import ConfigurationError
from micboard.infrastructure.secret_box import DEVELOPMENT_KEY, key_problem
from micboard.project.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    postgres_session_options,
    sqlite_default,
    validate_redis_url,
)
from micboard.project.logging import build_logging, secret_values
from micboard.project.roles import CENTRAL, VENUE_WORKER, process_role
from micboard.project.security_headers import DEFAULT_POLICY

django_stubs_ext.monkeypatch()  # generic admin/queryset classes at run time

# The checkout (micboard/project/settings.py is two levels down): var/ holds its data.
BASE_DIR = Path(__file__).resolve().parents[2]

DEBUG = env_bool("DJANGO_DEBUG", default=False)
# What this process is (docs/adr/0031): "central" (web, beat, housekeeping, commands) or
# "venue-worker", a worker at a venue that holds only its venue's credentials: no SECRET_KEY
# of the web app, and it refuses to serve the web app or run beat.
try:
    MICBOARD_PROCESS_ROLE = process_role(env_str("MICBOARD_PROCESS_ROLE", CENTRAL))
except ConfigurationError as error:
    sys.exit(str(error))
_INSECURE_KEY = "insecure-development-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", "")
# Set while the central SECRET_KEY sits in a venue worker's environment (check --deploy).
MICBOARD_VENUE_WORKER_HAS_SECRET_KEY = MICBOARD_PROCESS_ROLE == VENUE_WORKER and bool(SECRET_KEY)
if MICBOARD_PROCESS_ROLE == VENUE_WORKER:
    # A venue worker signs nothing: a key of its own, new at every start, that no web
    # process shares (the central one, if present, is never used).
    SECRET_KEY = secrets.token_urlsafe(50)
elif not SECRET_KEY:
    if not DEBUG and not env_bool("MICBOARD_ALLOW_INSECURE_KEY", default=False):
        sys.exit("SECRET_KEY is not set (set it, or DJANGO_DEBUG=true for development)")
    SECRET_KEY = _INSECURE_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# HTTPS: secure by default outside debug; TLS usually ends at a reverse proxy.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
# HSTS for a year outside debug (browsers only heed it over HTTPS); 0 turns it off.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("MICBOARD_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Sent with every response (micboard/project/security_headers.py); empty sends none.
MICBOARD_CONTENT_SECURITY_POLICY = env_str("MICBOARD_CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "micboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "micboard.project.security_headers.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
]

ROOT_URLCONF = "micboard.project.urls"
WSGI_APPLICATION = "micboard.project.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

try:
    DATABASES = {"default": parse_database_url(env_str("DATABASE_URL", sqlite_default(BASE_DIR)))}
    REDIS_URL = validate_redis_url(env_str("REDIS_URL", "redis://127.0.0.1:6379/0"))
except ConfigurationError as error:
    sys.exit(str(error))

_db = DATABASES["default"]
# PostgreSQL: each statement and lock wait of the web and worker processes is bounded;
# `manage.py migrate` runs long statements (building an index, rewriting a table), so its
# statements have their own bound (0: none) while its lock waits keep the short one.
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 10_000)
DATABASE_MIGRATE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_MIGRATE_STATEMENT_TIMEOUT_MS", 0)
if _db["ENGINE"].endswith("sqlite3"):
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The test database is a file too, so an in-process worker thread shares it.
    _db["TEST"] = {"NAME": str(Path(_db["NAME"]).with_suffix(".test.sqlite3"))}
    # SQLite's only wait: for another writer's lock (a busy timeout), bounded too.
    _db["OPTIONS"]["timeout"] = env_float("DATABASE_BUSY_TIMEOUT", 20.0)
else:
    _db["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 300)
    _db["CONN_HEALTH_CHECKS"] = True
    # Every wait on PostgreSQL is bounded (docs/adr/0023): connecting, each statement, and a
    # link that died under an open connection (keepalives when idle, a user timeout for data
    # the peer never acknowledges). A worker then sees an outage in seconds, not minutes.
    _db["OPTIONS"] = {
        **_db["OPTIONS"],  # the TLS options DATABASE_URL carries
        "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5),
        "options": postgres_session_options(
            statement_ms=DATABASE_STATEMENT_TIMEOUT_MS, lock_ms=DATABASE_STATEMENT_TIMEOUT_MS
        ),
        "keepalives": 1,
        "keepalives_idle": env_int("DATABASE_KEEPALIVE_IDLE", 10),
        "keepalives_interval": 3,
        "keepalives_count": 3,
        "tcp_user_timeout": env_int("DATABASE_TCP_USER_TIMEOUT_MS", 15_000),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
LOGIN_URL = "micboard-login"
LOGIN_REDIRECT_URL = "micboard-wall-all"
LOGOUT_REDIRECT_URL = "micboard-login"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static"))
# Performers' photos go through Django's default storage: files here unless STORAGES says
# otherwise (an object-storage backend, for instance). They are served by micboard's own
# view, which checks access, so MEDIA_URL is never exposed by the web server.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))

# --- Celery (see docs/adr/0004-celery-settings-for-polling.md) -------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 10000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Bounded waits on the broker (docs/adr/0023): a blackholed link times out in seconds, and
# health checks notice a dead connection between messages.
MICBOARD_BROKER_SOCKET_TIMEOUT = env_float("MICBOARD_BROKER_SOCKET_TIMEOUT", 5.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "queue_order_strategy": "priority",
    "priority_steps": list(range(10)),
    "sep": ":",
    "visibility_timeout": 3600,
    "socket_timeout": MICBOARD_BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": MICBOARD_BROKER_SOCKET_TIMEOUT,
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_on_timeout": False,
}
# A venue worker names its queue: it then keeps its unacked messages under keys of its own
# (what its Redis ACL user may reach, docs/adr/0032), not in the hash every venue shares.
MICBOARD_WORKER_QUEUE = env_str("MICBOARD_WORKER_QUEUE", "")
if MICBOARD_WORKER_QUEUE:
    _unacked = f"unacked.{MICBOARD_WORKER_QUEUE}"  # redis_acl.unacked_prefix
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "unacked_key": _unacked,
        "unacked_index_key": f"{_unacked}_index",
        "unacked_mutex_key": f"{_unacked}_mutex",
    }
CELERY_BROKER_CONNECTION_TIMEOUT = MICBOARD_BROKER_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # never give up reconnecting
# A reconnecting worker waits at most this long between attempts, however long the outage
# was (Celery's own backoff grows to 30 s): recovery takes seconds once the link is back.
MICBOARD_BROKER_RECONNECT_MAX_SECONDS = env_float("MICBOARD_BROKER_RECONNECT_MAX_SECONDS", 2.0)
# A worker connects once to the database, Redis and the broker before consuming: a refused
# certificate or password stops it at start-up with one clear line (micboard/workers/startup.py).
MICBOARD_WORKER_CHECK_LINKS = env_bool("MICBOARD_WORKER_CHECK_LINKS", default=True)
CELERY_WORKER_CONSUMER = "micboard.workers.consumer:BoundedReconnectConsumer"
CELERY_TASK_DEFAULT_QUEUE = env_str("MICBOARD_HOUSEKEEPING_QUEUE", "micboard.housekeeping")
CELERY_TASK_DEFAULT_PRIORITY = 5
CELERY_WORKER_SEND_TASK_EVENTS = True
# Django's LOGGING (structlog) formats the workers' and beat's lines too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# No "task-sent" event per message: it doubles the cost of publishing (Flower still sees
# each task from the moment a worker receives it).
CELERY_TASK_SEND_SENT_EVENT = False
CELERY_BEAT_SCHEDULER = "micboard.workers.scheduler:SingleBeatScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Reuse database connections across tasks instead of reconnecting around each one.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)

# --- micboard ---------------------------------------------------------------------------
MICBOARD_DEVICE_TIMEOUT = env_float("MICBOARD_DEVICE_TIMEOUT", 2.0)
MICBOARD_MAX_BACKOFF = env_int("MICBOARD_MAX_BACKOFF", 300)
# Healthy receivers of a venue travel in batches: one message and one database write each.
MICBOARD_SYNC_BATCH_SIZE = env_int("MICBOARD_SYNC_BATCH_SIZE", 20)
# Device conversations one batch holds open at once.
MICBOARD_POLL_CONCURRENCY = env_int("MICBOARD_POLL_CONCURRENCY", 10)
MICBOARD_QUEUE_PREFIX = env_str("MICBOARD_QUEUE_PREFIX", "venue.")
# Redis for micboard's own keys (locks, pending resyncs, events, the wall's versions and
# frames, beat's leader lock); the broker is CELERY_BROKER_URL. MICBOARD_LOCK_REDIS_URL is
# the older name of the same setting and still read when the new one is unset.
MICBOARD_REDIS_URL = env_str("MICBOARD_REDIS_URL", env_str("MICBOARD_LOCK_REDIS_URL", REDIS_URL))
# The Celery app services publish through, by dotted name (micboard imports no worker code).
MICBOARD_CELERY_APP = env_str("MICBOARD_CELERY_APP", "micboard.workers.celery.app")
MICBOARD_KEY_PREFIX = env_str("MICBOARD_KEY_PREFIX", "micboard")
MICBOARD_TELEMETRY_INTERVAL = env_int("MICBOARD_TELEMETRY_INTERVAL", 60)
MICBOARD_TELEMETRY_RETENTION_DAYS = env_int("MICBOARD_TELEMETRY_RETENTION_DAYS", 30)
MICBOARD_DISPATCH_STATS_RETENTION_HOURS = env_int("MICBOARD_DISPATCH_STATS_RETENTION_HOURS", 24)

# --- alerts and their notifications (docs/operations.md) --------------------------------
# Off, a sync writes its batch without evaluating alert rules (bench/fleet.py compares).
MICBOARD_ALERTS_ENABLED = env_bool("MICBOARD_ALERTS_ENABLED", default=True)
MICBOARD_ALERT_RETENTION_DAYS = env_int("MICBOARD_ALERT_RETENTION_DAYS", 90)
# The audit trail: who resynced, acknowledged, granted or changed what.
MICBOARD_AUDIT_RETENTION_DAYS = env_int("MICBOARD_AUDIT_RETENTION_DAYS", 365)
MICBOARD_ALERT_CHECK_SECONDS = env_int("MICBOARD_ALERT_CHECK_SECONDS", 15)
MICBOARD_WEBHOOK_TIMEOUT = env_float("MICBOARD_WEBHOOK_TIMEOUT", 10.0)
MICBOARD_NOTIFY_MAX_ATTEMPTS = env_int("MICBOARD_NOTIFY_MAX_ATTEMPTS", 8)
MICBOARD_NOTIFY_FIRST_RETRY_SECONDS = env_float("MICBOARD_NOTIFY_FIRST_RETRY_SECONDS", 5.0)
# How long a claimed notification is held by its worker; never under 3 send timeouts.
MICBOARD_NOTIFY_LEASE_SECONDS = env_float("MICBOARD_NOTIFY_LEASE_SECONDS", 60.0)
# Fernet keys, newest first, that encrypt webhook secrets in the database; not SECRET_KEY.
# Unset in debug: a development key that `check --deploy` refuses (docs/operations.md).
MICBOARD_ENCRYPTION_KEYS = env_list("MICBOARD_ENCRYPTION_KEYS", [])
for _position, _key in enumerate(MICBOARD_ENCRYPTION_KEYS, start=1):
    if _problem := key_problem(_key):
        sys.exit(f"MICBOARD_ENCRYPTION_KEYS: key {_position} is {_problem}")
if not MICBOARD_ENCRYPTION_KEYS and (
    DEBUG or env_bool("MICBOARD_ALLOW_INSECURE_KEY", default=False)
):
    MICBOARD_ENCRYPTION_KEYS = [DEVELOPMENT_KEY]
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "micboard@localhost")

# --- REST API and its OpenAPI schema (micboard/api/) -----------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous API call gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "micboard.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Venue roles decide, through micboard.selectors.access: see micboard.api.permissions.
    "DEFAULT_PERMISSION_CLASSES": ["micboard.api.permissions.HasVenueRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["micboard.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "micboard.api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "micboard.api.errors.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "micboard API",
    "DESCRIPTION": (
        "Venues, receivers, channels, channel groups and telemetry of micboard, the "
        "monitoring of wireless microphone receivers. Authenticate with a session or with "
        "`Authorization: Token <key>`. Each user holds a role per venue (viewer, operator, "
        "venue admin); a venue without one is not found. Read-only tokens only read. "
        "Errors share one envelope: "
        '`{"error": {"code", "message", "details"}}`.'
    ),
    "VERSION": f"v1 (micboard {micboard_version})",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "micboard.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ChannelStateEnum": "micboard.models.receivers.ChannelState",
        "ReceiverStatusEnum": "micboard.models.receivers.ReceiverStatus",
        "AlertStateEnum": "micboard.models.alerts.AlertState",
        "RuleKindEnum": "micboard.models.alerts.RuleKind",
    },
}
# Seconds a wall's signed pass spares the state endpoint from re-checking who asks.
MICBOARD_WALL_PASS_SECONDS = env_int("MICBOARD_WALL_PASS_SECONDS", 60)
# Performer photos: the largest upload accepted, and the most pixels an image may decode to
# (a small file that decodes to a huge image is refused before it is decoded).
MICBOARD_PHOTO_MAX_BYTES = env_int("MICBOARD_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
MICBOARD_PHOTO_MAX_PIXELS = env_int("MICBOARD_PHOTO_MAX_PIXELS", 40_000_000)

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("LOG_FORMAT", "auto")  # auto | json | console
LOGGING = build_logging(level=LOG_LEVEL, fmt=LOG_FORMAT, secrets=secret_values(globals()))
DJANGO_STRUCTLOG_CELERY_ENABLED = True
