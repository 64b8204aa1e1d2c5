"""``manage.py micboard_db_roles``: the venue workers' PostgreSQL roles (docs/deployment.md)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.exceptions import MicboardError
from micboard.services import worker_access

PASSWORD_ENV = "MICBOARD_DB_ROLE_PASSWORD"  # noqa: S105 - the variable's name, not a password


class Command(BaseCommand):
    help = (
        "Print or apply the venue workers' group role (allow-listed grants, row-level "
        "security per venue); create a venue's login role; revoke one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--print", action="store_true", help="print the SQL, run nothing")
        action.add_argument("--apply", action="store_true", help="run it (after every migrate)")
        action.add_argument("--revoke", metavar="LOGIN", help="a venue's role can no longer log in")
        parser.add_argument("--venue", metavar="SLUG", help="with --apply: the venue of --login")
        parser.add_argument("--login", metavar="ROLE", help="with --apply: the venue's login role")
        parser.add_argument(
            "--no-row-security",
            action="store_true",
            help="grants only, no per-venue row policies (docs/adr/0031)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        row_security = not options["no_row_security"]
        if bool(options["login"]) != bool(options["venue"]):
            raise CommandError("--login and --venue go together")
        try:
            if options["print"]:
                for statement in worker_access.db_roles_statements(row_security=row_security):
                    self.stdout.write(f"{statement};")
                return
            if options["revoke"]:
                worker_access.venue_login_revoke(login=options["revoke"])
                self.stdout.write(f"revoked {options['revoke']}: it can no longer log in")
                return
            count = worker_access.db_roles_apply(row_security=row_security)
            self.stdout.write(f"venue worker group role: {count} statements applied")
            if options["login"] or options["venue"]:
                self._login(options["login"], options["venue"])
        except MicboardError as error:
            raise CommandError(error.message) from None

    def _login(self, login: str, venue: str) -> None:
        given = os.environ.get(PASSWORD_ENV, "")
        made = worker_access.venue_login_apply(login=login, venue_slug=venue, password=given)
        self.stdout.write(f"login role {made.login} for venue {made.venue}")
        if not given:
            # Shown once: it is stored nowhere but in PostgreSQL (as a SCRAM verifier).
            self.stdout.write(f"password: {made.password}")
