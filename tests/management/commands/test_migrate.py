"""``manage.py migrate`` runs its statements without the web and worker processes' timeout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models.signals import post_migrate
from pytest_django.fixtures import Settings

from micboard.project.env import postgres_session_options

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs DATABASE_URL=postgres://"),
]

SHORT_MS = 100
LONG_STATEMENT = "SELECT pg_sleep(0.4)"


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


@pytest.fixture
def short_timeouts(settings: Settings) -> Iterator[None]:
    """This process's connections bound each statement and lock wait to 100 ms."""
    session = connection.settings_dict["OPTIONS"]
    before = session.get("options")
    settings.DATABASE_STATEMENT_TIMEOUT_MS = SHORT_MS
    session["options"] = postgres_session_options(statement_ms=SHORT_MS, lock_ms=SHORT_MS)
    connection.close()
    yield
    session["options"] = before
    connection.close()


@pytest.fixture
def during_migrate() -> Iterator[list[tuple[str, str]]]:
    """Runs a long statement while migrate runs; records the timeouts migrate's session had."""
    seen: list[tuple[str, str]] = []

    def long_statement(**_: Any) -> None:
        if seen:
            return
        seen.append((_show("statement_timeout"), _show("lock_timeout")))
        with connection.cursor() as cursor:
            cursor.execute(LONG_STATEMENT)

    post_migrate.connect(long_statement, dispatch_uid="test-migrate-long-statement")
    yield seen
    post_migrate.disconnect(dispatch_uid="test-migrate-long-statement")


@pytest.mark.usefixtures("short_timeouts")
def test_a_long_statement_is_cut_outside_migrate() -> None:
    assert _show("statement_timeout") == "100ms"
    with pytest.raises(OperationalError, match="statement timeout"), connection.cursor() as cursor:
        cursor.execute(LONG_STATEMENT)


@pytest.mark.usefixtures("short_timeouts")
def test_migrate_runs_long_statements_and_keeps_the_short_lock_wait(
    during_migrate: list[tuple[str, str]],
) -> None:
    call_command("migrate", verbosity=0)
    assert during_migrate == [("0", "100ms")]
    # The process's other connections are bounded again afterwards.
    assert _show("statement_timeout") == "100ms"


@pytest.mark.usefixtures("short_timeouts")
def test_migrate_follows_its_own_statement_timeout(
    during_migrate: list[tuple[str, str]], settings: Settings
) -> None:
    settings.DATABASE_MIGRATE_STATEMENT_TIMEOUT_MS = 50
    with pytest.raises(OperationalError, match="statement timeout"):
        call_command("migrate", verbosity=0)
    assert during_migrate == [("50ms", "100ms")]
    assert _show("statement_timeout") == "100ms"
