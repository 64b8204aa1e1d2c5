"""``manage.py micboard_redis_acl``: the Redis ACL users of the centre and each venue's worker.

See docs/deployment.md and docs/adr/0032.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.composition import redis_connection
from micboard.exceptions import MicboardError
from micboard.services import worker_access

PASSWORD_ENV = "MICBOARD_REDIS_ACL_PASSWORD"  # noqa: S105 - the variable's name, not a password


class Command(BaseCommand):
    help = (
        "Print a venue worker's Redis ACL line (only the commands and keys a worker uses), "
        "or write it into an ACL file; write the central site's user; revoke a user. "
        f"The password comes from {PASSWORD_ENV}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--venue", metavar="SLUG", help="a venue worker's user")
        who.add_argument(
            "--central", action="store_true", help="the central site's user (every right)"
        )
        who.add_argument("--revoke", metavar="NAME", help="remove this user from the ACL file")
        parser.add_argument("--user", metavar="NAME", help="with --venue or --central")
        parser.add_argument(
            "--aclfile", type=Path, help="replace the user's line in this file (mode 0600)"
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="also change the running server through MICBOARD_REDIS_URL (ACL SETUSER, "
            "or ACL DELUSER with --revoke, which ends the user's connections)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        aclfile: Path | None = options["aclfile"]
        if (options["central"] or options["revoke"] or options["apply"]) and aclfile is None:
            raise CommandError("--central, --revoke and --apply need --aclfile")
        if options["revoke"] and aclfile is not None:
            self._revoke(options["revoke"], aclfile, apply=options["apply"])
            return
        if not options["user"]:
            raise CommandError("--venue and --central need --user")
        line = self._line(options["user"], options["venue"])
        if aclfile is None:
            self.stdout.write(line)
            return
        worker_access.redis_acl_write(path=aclfile, line=line)
        if options["apply"]:
            worker_access.redis_acl_apply(client=redis_connection(), line=line)
            self.stdout.write(f"{aclfile}: user {options['user']} written and applied")
            return
        self.stdout.write(
            f"{aclfile}: user {options['user']} written (ACL LOAD, --apply or a restart reads it)"
        )

    def _line(self, user: str, venue: str | None) -> str:
        password = os.environ.get(PASSWORD_ENV, "")
        if not password:
            raise CommandError(f"set {PASSWORD_ENV} to the user's password (never an argument)")
        try:
            if venue is None:
                return worker_access.redis_acl_central_line(user=user, password=password)
            return worker_access.redis_acl_line(user=user, venue_slug=venue, password=password)
        except MicboardError as error:
            raise CommandError(error.message) from None

    def _revoke(self, user: str, aclfile: Path, *, apply: bool) -> None:
        removed = worker_access.redis_acl_remove(path=aclfile, user=user)
        dropped = apply and worker_access.redis_acl_drop(client=redis_connection(), user=user)
        if not (removed or dropped):
            raise CommandError(f"no Redis user {user!r} in {aclfile}")
        where = "removed from the file and the server" if apply else "removed from the file"
        self.stdout.write(f"{aclfile}: user {user} {where}")
