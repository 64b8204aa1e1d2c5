"""``manage.py micboard_notify_test``: a test through every contact of a venue, and the outcome."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.composition import alert_service
from micboard.selectors import listings


class Command(BaseCommand):
    help = "Send a test notification through every enabled contact of a venue, and say how it went."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venue", required=True, help="venue slug")

    def handle(self, *args: Any, **options: Any) -> None:
        venue = listings.venue_by_slug(slug=options["venue"])
        if venue is None:
            raise CommandError(f"no venue {options['venue']!r}")
        results = alert_service().venue_notify_test(venue=venue)
        if not results:
            raise CommandError(f"venue {venue.slug!r} has no enabled contacts")
        failed = 0
        for result in results:
            contact = result.contact
            line = f"{contact.channel} {contact.target} ({contact.name}): "
            if result.outcome.state == "sent":
                self.stdout.write(line + "sent")
            else:
                failed += 1
                self.stdout.write(line + f"FAILED: {result.error}")
        if failed:
            raise CommandError(f"{failed} of {len(results)} test notification(s) failed")
