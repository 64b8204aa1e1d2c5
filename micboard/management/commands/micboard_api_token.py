"""``manage.py micboard_api_token``: print a new API token of a user, and nothing else."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.exceptions import NotFoundError
from micboard.services.api_tokens import api_token_issue


class Command(BaseCommand):
    help = (
        "Print a new API token of --user (default admin); list and revoke tokens with "
        "micboard_token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="admin", help="username (default: admin)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = api_token_issue(username=options["user"], label="micboard_api_token")
        except NotFoundError as error:
            raise CommandError(error.message) from None
        self.stdout.write(key)
