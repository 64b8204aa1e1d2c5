"""PostgreSQL roles for venue workers: an allow-list of grants and row-level security.

A venue worker's login role is a member of one group role (``micboard_venue_worker`` by
default). The group holds exactly the privileges a sync, a dispatch and the alert
evaluation that follows a sync need, table by table and column by column, and nothing
else: a table missing from ``WORKER_GRANTS`` (users, sessions, API tokens, beat's rows,
audit records, any table a later migration adds) stays unreadable. Row-level security
narrows every granted table to the rows of the login role's own venue, recorded in
``micboard_venue_login`` (docs/adr/0031).

Only SQL text is built here; identifiers come from the models' metadata or are checked
against ``ROLE_NAME``, and values travel as query parameters.
"""

# Every statement here is SQL text built from the models' own table and column names and
# from role names checked against ROLE_NAME; nothing an operator types reaches it unchecked.
# ruff: noqa: S608

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Model

from micboard.models import (
    Alert,
    AlertRule,
    Channel,
    ChannelGroupMember,
    Contact,
    ContactList,
    DeliveryAttempt,
    DispatchCycle,
    Notification,
    Receiver,
    TelemetrySample,
    Venue,
    WatchedEvent,
    WatchedHours,
)

GROUP_ROLE = "micboard_venue_worker"
LOGIN_TABLE = "micboard_venue_login"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Receiver columns a poll's result rewrites (poll_results._SYNCED_FIELDS, the counters, what
# an unreachable receiver gets and the first certificate pin); a test keeps this list and the
# sync's in step.
RECEIVER_SYNC_FIELDS = (
    "status",
    "last_seen_at",
    "last_sync_at",
    "last_sync_duration_ms",
    "next_sync_at",
    "last_sync_result",
    "last_error",
    "consecutive_failures",
    "model",
    "firmware",
    "device_id",
    "request_form",
    "last_skipped_message",
    "skipped_messages",
    "resent_requests",
    "certificate_sha256",
    "certificate_pinned_at",
)


@dataclass(frozen=True)
class TableGrant:
    """What the group may do with one table. ``select`` None means every column."""

    model: type[Model]
    select: tuple[str, ...] | None = None
    # Columns left out of ``select`` None (every other column is readable).
    hidden: tuple[str, ...] = ()
    insert: bool = False
    update: tuple[str, ...] | None = ()
    delete: bool = False
    # Row-level security: the SQL condition that keeps a row to the login role's venue.
    rows: str = ""
    notes: str = ""

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def columns(self, names: tuple[str, ...]) -> list[str]:
        fields = [self.model._meta.get_field(name) for name in names]
        return [str(getattr(f, "column", None) or f.name) for f in fields]

    def readable(self) -> list[str] | None:
        """The columns the group may read, or None for all of them."""
        if self.select is not None:
            return self.columns(self.select)
        if self.hidden:
            fields = self.model._meta.concrete_fields
            return [str(f.column) for f in fields if f.name not in self.hidden]
        return None


# The venue of the session's login role: one lookup, evaluated once per statement.
_VENUE = f"(SELECT l.venue_id FROM {LOGIN_TABLE} l WHERE l.rolname = current_user)"


def _venue_rows() -> str:
    return f"venue_id = {_VENUE}"


def _rows_of(model: type[Model], column: str) -> str:
    # The parent table is row-secured itself, so the subquery sees only the venue's rows.
    return f"{column} IN (SELECT id FROM {model._meta.db_table})"


# Every table a venue worker touches. Anything else is denied by default.
WORKER_GRANTS: tuple[TableGrant, ...] = (
    TableGrant(Venue, rows=f"id = {_VENUE}", notes="its venue's settings"),
    TableGrant(
        Receiver,
        update=RECEIVER_SYNC_FIELDS,
        rows=_venue_rows(),
        notes="reads its receivers, writes only their sync columns",
    ),
    TableGrant(
        Channel,
        insert=True,
        update=None,
        delete=True,
        rows=_rows_of(Receiver, "receiver_id"),
        notes="writes the channels a poll reports, deletes those it no longer does",
    ),
    TableGrant(
        TelemetrySample,
        select=("id", "channel"),
        insert=True,
        delete=True,
        rows=_rows_of(Channel, "channel_id"),
        notes="adds samples; a deleted channel's go with it",
    ),
    TableGrant(
        ChannelGroupMember,
        select=("id", "channel"),
        delete=True,
        rows=_rows_of(Channel, "channel_id"),
        notes="a deleted channel leaves its wall groups",
    ),
    TableGrant(
        DispatchCycle,
        select=("id",),
        insert=True,
        rows=_venue_rows(),
        notes="adds the dispatcher's statistics",
    ),
    TableGrant(AlertRule, rows=_venue_rows(), notes="reads its venue's rules"),
    TableGrant(WatchedHours, rows=_venue_rows(), notes="reads its venue's watched hours"),
    TableGrant(WatchedEvent, rows=_venue_rows(), notes="reads its venue's events"),
    TableGrant(
        Alert,
        insert=True,
        update=None,
        delete=True,
        rows=_venue_rows(),
        notes="opens, updates and drops its venue's alerts",
    ),
    TableGrant(ContactList, rows=_venue_rows(), notes="whom its alerts go to"),
    TableGrant(
        Contact,
        hidden=("secret_encrypted",),
        rows=_rows_of(ContactList, "contact_list_id"),
        notes="never the webhook secret",
    ),
    TableGrant(
        Notification,
        select=("id", "alert"),
        insert=True,
        delete=True,
        rows=_venue_rows(),
        notes="writes the outbox; sending is the central housekeeping worker's",
    ),
    TableGrant(
        DeliveryAttempt,
        select=("id", "notification"),
        delete=True,
        rows=_rows_of(Notification, "notification_id"),
        notes="a dropped alert's attempts go with it",
    ),
)


def allowed_tables() -> set[str]:
    return {grant.table for grant in WORKER_GRANTS} | {LOGIN_TABLE}


def check_role_name(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise ValueError(
            f"{name!r} is not a usable role name (lower-case letters, digits and _, "
            "starting with a letter or _, at most 63)"
        )
    return name


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


def group_role_sql(*, group: str = GROUP_ROLE, database: str, row_security: bool) -> list[str]:
    """The statements that create (or bring up to date) the group role and its grants.

    Idempotent: everything the group held before is revoked first, so a table dropped from
    the allow-list loses its grant on the next run."""
    group = check_role_name(group)
    statements = [
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
        f"'{group}') THEN CREATE ROLE {group} NOLOGIN; END IF; END $$",
        f"ALTER ROLE {group} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {group}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {group}",
        f"REVOKE CREATE ON SCHEMA public FROM {group}",
        f'GRANT CONNECT ON DATABASE "{database}" TO {group}',
        f"GRANT USAGE ON SCHEMA public TO {group}",
        f"CREATE TABLE IF NOT EXISTS {LOGIN_TABLE} (rolname name PRIMARY KEY, "
        f'venue_id bigint NOT NULL REFERENCES "{Venue._meta.db_table}" (id) ON DELETE CASCADE)',
        f"GRANT SELECT ON {LOGIN_TABLE} TO {group}",
    ]
    for grant in WORKER_GRANTS:
        table = f'"{grant.table}"'
        readable = grant.readable()
        if readable is None:
            statements.append(f"GRANT SELECT ON {table} TO {group}")
        else:
            statements.append(f"GRANT SELECT ({_quoted(readable)}) ON {table} TO {group}")
        if grant.insert:
            statements.append(f"GRANT INSERT ON {table} TO {group}")
        if grant.update is None:
            statements.append(f"GRANT UPDATE ON {table} TO {group}")
        elif grant.update:
            statements.append(
                f"GRANT UPDATE ({_quoted(grant.columns(grant.update))}) ON {table} TO {group}"
            )
        if grant.delete:
            statements.append(f"GRANT DELETE ON {table} TO {group}")
    statements += row_security_sql(group=group, enabled=row_security)
    return statements


def row_security_sql(*, group: str, enabled: bool) -> list[str]:
    """Per-venue policies for the group (restrictive: they narrow, never widen), and an
    open policy for every other role, so the central site sees what it always saw."""
    statements = []
    for grant in WORKER_GRANTS:
        table = f'"{grant.table}"'
        statements += [
            f"DROP POLICY IF EXISTS micboard_central ON {table}",
            f"DROP POLICY IF EXISTS micboard_venue_rows ON {table}",
        ]
        if not enabled:
            statements.append(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
            continue
        statements += [
            f"CREATE POLICY micboard_central ON {table} USING (true) WITH CHECK (true)",
            f"CREATE POLICY micboard_venue_rows ON {table} AS RESTRICTIVE TO {group} "
            f"USING ({grant.rows}) WITH CHECK ({grant.rows})",
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        ]
    return statements


def login_role_sql(*, login: str, group: str = GROUP_ROLE) -> list[str]:
    """Create the venue's login role (no password yet) inside the group."""
    login, group = check_role_name(login), check_role_name(group)
    return [
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
        f"'{login}') THEN CREATE ROLE {login} LOGIN; END IF; END $$",
        # INHERIT: the login role uses the group's grants without SET ROLE.
        f"ALTER ROLE {login} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS "
        "CONNECTION LIMIT 50",
        f"GRANT {group} TO {login}",
    ]


def login_password_sql(*, login: str) -> str:
    """``ALTER ROLE ... PASSWORD %s``: the password travels as a parameter."""
    return f"ALTER ROLE {check_role_name(login)} PASSWORD %s"


def login_venue_sql() -> str:
    return (
        f"INSERT INTO {LOGIN_TABLE} (rolname, venue_id) VALUES (%s, %s) "
        "ON CONFLICT (rolname) DO UPDATE SET venue_id = EXCLUDED.venue_id"
    )


def revoke_sql(*, login: str) -> list[str]:
    """End a venue's access: no login, no venue, its open sessions ended."""
    login = check_role_name(login)
    return [
        f"ALTER ROLE {login} NOLOGIN PASSWORD NULL",
        f"DELETE FROM {LOGIN_TABLE} WHERE rolname = '{login}'",
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{login}'",
    ]
