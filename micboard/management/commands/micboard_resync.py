"""``manage.py micboard_resync``: queue priority syncs, like the admin's "Resync now"."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.composition import sync_service
from micboard.selectors import listings
from micboard.selectors.access import Capability, user_by_name, venue_access
from micboard.services.audit import Actor


class Command(BaseCommand):
    help = (
        "Resync receivers now: --receiver ID (repeatable), --venue SLUG or --all; "
        "--as-user NAME checks that user's venue roles and records the resync as theirs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--receiver", type=int, action="append", dest="receivers")
        target.add_argument("--venue", help="venue slug")
        target.add_argument("--all", action="store_true")
        parser.add_argument(
            "--as-user", default="", help="act with this user's venue roles (operator or more)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["receivers"]:
            ids = list(dict.fromkeys(options["receivers"]))
        elif options["venue"]:
            ids = listings.receiver_ids(venue_slug=options["venue"])
            if not ids:
                raise CommandError(
                    f"venue {options['venue']!r} has no receivers (or does not exist)"
                )
        else:
            ids = listings.receiver_ids()
        login = f"cli:{getpass.getuser()}"
        actor = Actor(login)
        if options["as_user"]:
            actor, ids = self._as_user(options["as_user"], ids, login, every=options["all"])
        report = sync_service().receivers_resync(
            receiver_ids=ids, requested_by=actor.name, actor=actor
        )
        self.stdout.write(
            f"resync queued for {len(report.enqueued)} receiver(s); "
            f"{report.coalesced} coalesced with one already queued; "
            f"{len(report.deferred)} spaced after a resync just run; "
            f"{len(report.disabled)} disabled; "
            f"{len(report.missing)} not found"
        )
        if report.missing:
            raise CommandError(f"no receiver with id {', '.join(map(str, report.missing))}")

    def _as_user(
        self, username: str, ids: list[int], login: str, *, every: bool
    ) -> tuple[Actor, list[int]]:
        """The user's actor, once their roles allow a resync of every receiver in ``ids``
        (with ``every``, of those of their venues); a receiver of a venue they hold no
        role in reads as one that does not exist."""
        user = user_by_name(username=username)
        if user is None:
            raise CommandError(f"no user {username!r}")
        access = venue_access(user=user)
        venues = listings.receiver_venue_ids(receiver_ids=ids)
        if every:
            ids = [pk for pk in ids if access.may(venues.get(pk), Capability.VIEW)]
        hidden = [pk for pk in ids if not access.may(venues.get(pk), Capability.VIEW)]
        if hidden:
            raise CommandError(f"no receiver with id {', '.join(map(str, hidden))}")
        refused = [pk for pk in ids if not access.may(venues.get(pk), Capability.RESYNC)]
        if refused:
            raise CommandError(
                f"{username}'s role does not allow resyncing receiver(s) "
                f"{', '.join(map(str, refused))}"
            )
        return Actor(f"{user.get_username()} ({login})", int(user.pk)), ids
