"""``manage.py micboard_token``: make, revoke and list API tokens."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.exceptions import MicboardError
from micboard.selectors.access import api_tokens, user_by_name
from micboard.services.access import api_token_create, api_tokens_revoke
from micboard.services.audit import Actor


class Command(BaseCommand):
    help = (
        "API tokens: create USER --label TEXT [--read-only] prints the key once; "
        "revoke ID [ID ...]; list [USER]."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="make a token and print its key once")
        create.add_argument("user")
        create.add_argument("--label", required=True, help="what uses it")
        create.add_argument("--read-only", action="store_true", help="reads only")
        revoke = commands.add_parser("revoke", help="revoke tokens by id")
        revoke.add_argument("ids", type=int, nargs="+")
        listing = commands.add_parser("list", help="list tokens (never their keys)")
        listing.add_argument("user", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor(f"cli:{getpass.getuser()}")
        if options["command"] == "create":
            user = self._user(options["user"])
            try:
                issued = api_token_create(
                    user=user, label=options["label"], read_only=options["read_only"], actor=actor
                )
            except MicboardError as error:
                raise CommandError(error.message) from None
            self.stderr.write(f"token {issued.token.pk} for {user.get_username()}; key:")
            self.stdout.write(issued.key)
        elif options["command"] == "revoke":
            count = api_tokens_revoke(token_ids=options["ids"], actor=actor)
            self.stdout.write(f"revoked {count} token(s)")
            if count < len(set(options["ids"])):
                raise CommandError("some ids are unknown or were revoked already")
        else:
            user_id = self._user(options["user"]).pk if options["user"] else None
            for token in api_tokens(user_id=user_id):
                state = "revoked" if token.revoked_at else "active"
                mode = "read-only" if token.read_only else "read-write"
                self.stdout.write(
                    f"{token.pk}\t{token.user.get_username()}\t{token.key_prefix}…\t{mode}\t"
                    f"{state}\t{token.label}"
                )

    def _user(self, name: str) -> Any:
        user = user_by_name(username=name)
        if user is None:
            raise CommandError(f"no user {name!r}")
        return user
