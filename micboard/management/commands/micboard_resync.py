"""``manage.py micboard_resync``: queue priority syncs, like the admin's "Resync now"."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.composition import sync_service
from micboard.selectors import listings


class Command(BaseCommand):
    help = "Resync receivers now: --receiver ID (repeatable), --venue SLUG or --all."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--receiver", type=int, action="append", dest="receivers")
        target.add_argument("--venue", help="venue slug")
        target.add_argument("--all", action="store_true")

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
        report = sync_service().receivers_resync(
            receiver_ids=ids, requested_by=f"cli:{getpass.getuser()}"
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
