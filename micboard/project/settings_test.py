"""Settings for the test suite: its own Redis database, queue names and key prefix.

A running demo and the suite never see each other's messages or locks: the suite uses
Redis database 15 of the same server (or ``MICBOARD_TEST_REDIS_URL``) and names its
queues and keys after a per-run id.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit


def _test_redis_url() -> str:
    explicit = os.environ.get("MICBOARD_TEST_REDIS_URL")
    if explicit:
        return explicit
    parts = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    if parts.scheme == "unix":  # the path is the socket; the database goes in the query
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "db=15", ""))
    return urlunsplit((parts.scheme, parts.netloc, "/15", "", ""))


os.environ["REDIS_URL"] = _test_redis_url()
os.environ.pop("CELERY_BROKER_URL", None)
os.environ.pop("MICBOARD_REDIS_URL", None)
os.environ.pop("MICBOARD_LOCK_REDIS_URL", None)
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
# Fernet keys of the suite's webhook secrets (base64 of 32 bytes), newest first.
os.environ.setdefault(
    "MICBOARD_ENCRYPTION_KEYS",
    "dGVzdC1vbmx5LWZlcm5ldC1rZXktbm90LWZvci11c2U=",
)
# One id per test run, inherited by the workers and beats a test starts: two runs on one
# machine (or a run beside the demo) never consume each other's messages or locks. Each
# pytest-xdist worker of a run is a run of its own (its own queues, keys and test database);
# the processes a worker starts inherit its id, and keep it.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker != os.environ.get("MICBOARD_TEST_RUN_WORKER", ""):
    os.environ["MICBOARD_TEST_RUN_ID"] = uuid.uuid4().hex[:8]
    os.environ["MICBOARD_TEST_RUN_WORKER"] = _xdist_worker
RUN_ID = os.environ.setdefault("MICBOARD_TEST_RUN_ID", uuid.uuid4().hex[:8])
os.environ["MICBOARD_QUEUE_PREFIX"] = f"test.{RUN_ID}.venue."
os.environ["MICBOARD_HOUSEKEEPING_QUEUE"] = f"test.{RUN_ID}.housekeeping"
os.environ["MICBOARD_KEY_PREFIX"] = f"micboard-test-{RUN_ID}"
os.environ.setdefault("LOG_FORMAT", "console")
# In-process test workers share the test's connections: the start-up link check is for
# worker processes (the tests that need it turn it on in the child's environment).
os.environ.setdefault("MICBOARD_WORKER_CHECK_LINKS", "false")
# Simulated receivers answer on loopback in milliseconds: a silent one is given up on after
# 1 s (2 s in production), in the suite's processes and the workers they start.
os.environ.setdefault("MICBOARD_DEVICE_TIMEOUT", "1.0")

from micboard.project.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each run its own test database, so concurrent runs cannot clobber each other.
_default_db = DATABASES["default"]  # noqa: F405
if _default_db["ENGINE"].endswith("sqlite3"):
    _test_file = _default_db["TEST"]["NAME"].replace(".test.", f".test-{RUN_ID}.")
    _default_db["TEST"] = {"NAME": _test_file}
else:
    _default_db["TEST"] = {"NAME": f"test_{_default_db['NAME']}_{RUN_ID}"}
# Each run its own photo storage.
MEDIA_ROOT = str(BASE_DIR / "var" / f"media-test-{RUN_ID}")  # noqa: F405
# Test workers run in threads that end with the test: keep no connection past a task.
_default_db["CONN_MAX_AGE"] = 0
