"""``manage.py micboard_redis_acl``: a venue worker's Redis ACL user (docs/deployment.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.exceptions import MicboardError
from micboard.services import worker_access

PASSWORD_ENV = "MICBOARD_REDIS_ACL_PASSWORD"  # noqa: S105 - the variable's name, not a password


class Command(BaseCommand):
    help = (
        "Print a venue worker's Redis ACL line (only the commands and keys a worker uses), "
        f"or write it into an ACL file. The password comes from {PASSWORD_ENV}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venue", metavar="SLUG", required=True)
        parser.add_argument("--user", metavar="NAME", required=True)
        parser.add_argument(
            "--aclfile", type=Path, help="replace the user's line in this file (mode 0600)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get(PASSWORD_ENV, "")
        if not password:
            raise CommandError(f"set {PASSWORD_ENV} to the user's password (never an argument)")
        try:
            line = worker_access.redis_acl_line(
                user=options["user"], venue_slug=options["venue"], password=password
            )
        except MicboardError as error:
            raise CommandError(error.message) from None
        if options["aclfile"] is None:
            self.stdout.write(line)
            return
        worker_access.redis_acl_write(path=options["aclfile"], line=line)
        self.stdout.write(
            f"{options['aclfile']}: user {options['user']} written (ACL LOAD reads it)"
        )
