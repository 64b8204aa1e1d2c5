"""The venue workers' database grants and Redis ACL line, as built (no server needed)."""

from __future__ import annotations

from micboard.infrastructure import db_roles, redis_acl
from micboard.models import Receiver
from micboard.services import poll_results

ACL = redis_acl.WorkerAcl(
    user="worker-main-hall",
    password_sha256=redis_acl.password_hash("pw"),
    queue="venue.main-hall",
    venue_id=3,
    key_prefix="micboard",
    housekeeping_queue="micboard.housekeeping",
    unacked_prefix=redis_acl.unacked_prefix("venue.main-hall"),
)


def test_the_receiver_grant_covers_every_column_a_sync_writes() -> None:
    written = {*poll_results._SYNCED_FIELDS, "skipped_messages", "resent_requests"}
    assert written <= set(db_roles.RECEIVER_SYNC_FIELDS)
    # ...and none an operator sets.
    assert not {"host", "port", "venue", "enabled", "poll_interval", "name"} & set(
        db_roles.RECEIVER_SYNC_FIELDS
    )
    assert {f.name for f in Receiver._meta.concrete_fields} >= set(db_roles.RECEIVER_SYNC_FIELDS)


def test_no_grant_names_auth_session_token_or_beat_tables() -> None:
    sql = "\n".join(db_roles.group_role_sql(database="micboard", row_security=True))
    for table in ("auth_", "django_session", "authtoken", "django_celery_beat", "django_admin"):
        assert table not in sql
    assert '"secret_encrypted"' not in sql


def test_role_names_are_checked_before_they_reach_sql() -> None:
    for bad in ("Venue", "a; DROP TABLE x", "x" * 64, ""):
        try:
            db_roles.login_role_sql(login=bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_the_acl_line_holds_no_password_and_no_dangerous_command() -> None:
    line = ACL.line()
    assert " pw " not in line
    assert f"#{redis_acl.password_hash('pw')}" in line
    assert line.split()[4:7] == ["resetkeys", "resetchannels", "-@all"]
    for command in ("flushall", "flushdb", "config", "keys", "scan", "debug", "acl", "monitor"):
        assert f"+{command}" not in line.split()
    assert "~venue.main-hall" in line
    assert "~venue.main-hall:*" in line
    assert "~micboard:lock:dispatch:3" in line
    assert "~micboard:lock:receiver:*" in line
    assert "%W~micboard.housekeeping" in line
    assert "~unacked.venue.main-hall*" in line
    assert "&/0.celery.pidbox" in line.split()
