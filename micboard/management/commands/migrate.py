"""``manage.py migrate``, with its own statement timeout on PostgreSQL.

The web and worker processes bound each statement (``DATABASE_STATEMENT_TIMEOUT_MS``, 10 s);
a migration may run longer ones (an index built, a table rewritten), so migrate's statements
follow ``DATABASE_MIGRATE_STATEMENT_TIMEOUT_MS`` (0: no bound) while its lock waits keep the
short bound: a migration queued behind a long transaction gives up instead of stalling every
query queued behind it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands import migrate
from django.db import connections

from micboard.project.env import postgres_session_options


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            super().handle(*args, **options)
            return
        session = connection.settings_dict["OPTIONS"]
        before = session.get("options")
        session["options"] = postgres_session_options(
            statement_ms=settings.DATABASE_MIGRATE_STATEMENT_TIMEOUT_MS,
            lock_ms=settings.DATABASE_STATEMENT_TIMEOUT_MS,
        )
        connection.close()  # the next statement connects with migrate's timeouts
        try:
            super().handle(*args, **options)
        finally:
            if before is None:
                session.pop("options", None)
            else:
                session["options"] = before
            connection.close()
