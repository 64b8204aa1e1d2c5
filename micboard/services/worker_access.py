"""Venue workers' credentials: their database role and their Redis ACL user.

The role's grants and row-level security are docs/adr/0031; the ACL user is docs/adr/0032.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import redis
import structlog
from django.conf import settings
from django.db import connection, transaction

from micboard.exceptions import ConfigurationError, NotFoundError, ValidationError
from micboard.infrastructure import db_roles, redis_acl
from micboard.models import Venue

log = structlog.get_logger(__name__)


def db_roles_statements(
    *, row_security: bool = True, group: str = db_roles.GROUP_ROLE
) -> list[str]:
    """The SQL that makes the venue workers' group role: printed, or run by the next one."""
    _require_postgresql()
    try:
        return db_roles.group_role_sql(
            group=group, database=connection.settings_dict["NAME"], row_security=row_security
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None


def db_roles_apply(*, row_security: bool = True, group: str = db_roles.GROUP_ROLE) -> int:
    """Create or update the group role, its allow-listed grants and the venue policies, in
    one transaction. Run it after every ``migrate``. Returns the statements run."""
    statements = db_roles_statements(row_security=row_security, group=group)
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    log.info("db_roles_applied", group=group, row_security=row_security)
    return len(statements)


@dataclass(frozen=True, slots=True)
class VenueLogin:
    login: str
    venue: str
    password: str  # empty when none was set


def venue_login_apply(
    *, login: str, venue_slug: str, password: str = "", group: str = db_roles.GROUP_ROLE
) -> VenueLogin:
    """Create (or move) a venue's login role in the group, and set its password: the given
    one, or a new random one returned once. Other venues' roles are untouched."""
    _require_postgresql()
    venue = Venue.objects.filter(slug=venue_slug).only("pk").first()
    if venue is None:
        raise NotFoundError(f"no venue has the slug {venue_slug!r}")
    password = password or secrets.token_hex(24)
    try:
        statements = db_roles.login_role_sql(login=login, group=group)
        set_password = db_roles.login_password_sql(login=login)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(set_password, [password])
        cursor.execute(db_roles.login_venue_sql(), [login, venue.pk])
    log.info("db_venue_login_applied", login=login, venue=venue_slug)
    return VenueLogin(login=login, venue=venue_slug, password=password)


def venue_login_revoke(*, login: str) -> None:
    """The login role can no longer connect; its sessions end; nothing else changes."""
    _require_postgresql()
    try:
        statements = db_roles.revoke_sql(login=login)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    log.info("db_venue_login_revoked", login=login)


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise ConfigurationError(
            "database roles need PostgreSQL (DATABASE_URL=postgres://...); SQLite has none"
        )


def redis_acl_line(*, user: str, venue_slug: str, password: str) -> str:
    """The ACL file line of a venue worker's Redis user."""
    venue = Venue.objects.filter(slug=venue_slug).only("pk", "queue_name").first()
    if venue is None:
        raise NotFoundError(f"no venue has the slug {venue_slug!r}")
    try:
        name = redis_acl.check_user_name(user)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    if not password:
        raise ValidationError("the Redis user needs a password")
    return redis_acl.WorkerAcl(
        user=name,
        password_sha256=redis_acl.password_hash(password),
        queue=venue.queue_name,
        venue_id=venue.pk,
        key_prefix=settings.MICBOARD_KEY_PREFIX,
        housekeeping_queue=settings.CELERY_TASK_DEFAULT_QUEUE,
        unacked_prefix=redis_acl.unacked_prefix(venue.queue_name),
        database=_redis_database(settings.CELERY_BROKER_URL),
        priority_sep=str(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("sep", ":")),
    ).line()


def redis_acl_central_line(*, user: str, password: str) -> str:
    """The ACL file line of the central site's own Redis user (every right)."""
    try:
        name = redis_acl.check_user_name(user)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    if not password:
        raise ValidationError("the Redis user needs a password")
    return redis_acl.central_line(user=name, password_sha256=redis_acl.password_hash(password))


def redis_acl_write(*, path: Path, line: str) -> None:
    """Put ``line`` in the ACL file at ``path``, replacing that user's former line. A file
    that names no default user gets ``user default off``: Redis would leave it open."""
    user = redis_acl.line_user(line)
    _rewrite_aclfile(path, [old for old in _aclfile_lines(path) if _user_of(old) != user] + [line])


def redis_acl_remove(*, path: Path, user: str) -> bool:
    """Drop ``user``'s line from the ACL file; False when it had none."""
    lines = _aclfile_lines(path)
    kept = [old for old in lines if _user_of(old) != user]
    if len(kept) == len(lines):
        return False
    _rewrite_aclfile(path, kept)
    return True


def redis_acl_apply(*, client: redis.Redis, line: str) -> None:
    """Give the running server the line's user as the file has it (``ACL SETUSER``): no
    restart, and no connection dropped, its own or another user's (``ACL LOAD`` on Redis
    7.0 drops every client)."""
    user = redis_acl.line_user(line)
    # The line's rules as they are: acl_setuser() would take them apart into arguments.
    rules = redis_acl.line_rules(line)
    client.execute_command("ACL", "SETUSER", user, "reset", *rules)  # type: ignore[no-untyped-call]
    log.info("redis_acl_user_applied", user=user)


def redis_acl_drop(*, client: redis.Redis, user: str) -> bool:
    """Delete ``user`` from the running server; Redis ends its connections. False when the
    server had no such user."""
    dropped = bool(client.acl_deluser(user))
    log.info("redis_acl_user_dropped", user=user, existed=dropped)
    return dropped


def _aclfile_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line.strip()]


def _user_of(line: str) -> str | None:
    words = line.split()
    return words[1] if len(words) > 1 and words[0] == "user" else None


def _rewrite_aclfile(path: Path, lines: list[str]) -> None:
    if not any(_user_of(line) == "default" for line in lines):
        lines = [redis_acl.DEFAULT_USER_OFF, *lines]
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text("\n".join(lines) + "\n")
    partial.chmod(0o600)
    partial.replace(path)


def _redis_database(url: str) -> int:
    parts = urlsplit(url)
    path = parts.path.strip("/")
    return int(path) if path.isdigit() else 0
