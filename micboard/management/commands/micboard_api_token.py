"""``manage.py micboard_api_token``: print a user's API token, and nothing else."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.exceptions import NotFoundError
from micboard.services.api_tokens import api_token_get_or_create


class Command(BaseCommand):
    help = "Print the API token of --user (default admin), made on first use."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="admin", help="username (default: admin)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = api_token_get_or_create(username=options["user"])
        except NotFoundError as error:
            raise CommandError(error.message) from None
        self.stdout.write(key)
