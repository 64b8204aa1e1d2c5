"""``manage.py micboard_grant``: give, take away and list venue roles, as the admin does."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.exceptions import MicboardError
from micboard.models import VenueRole
from micboard.selectors import listings
from micboard.selectors.access import group_by_name, user_by_name, venue_grants
from micboard.services.access import role_grant, role_revoke
from micboard.services.audit import Actor


class Command(BaseCommand):
    help = (
        "Grant a venue role: USER VENUE ROLE (ROLE one of viewer, operator, venue_admin); "
        "--group makes USER a group's name; --revoke USER VENUE takes the role away; "
        "--list [--venue SLUG] shows who holds what."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("holder", nargs="?", help="username (a group's name with --group)")
        parser.add_argument("venue", nargs="?", help="venue slug")
        parser.add_argument("role", nargs="?", choices=VenueRole.values)
        parser.add_argument("--group", action="store_true", help="the holder is a group")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--revoke", action="store_true", help="take the role away")
        action.add_argument("--list", action="store_true", help="list the grants")
        parser.add_argument("--list-venue", "--venue", dest="list_venue", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list(options["list_venue"])
            return
        if not options["holder"] or not options["venue"]:
            raise CommandError("name the holder and the venue: USER VENUE [ROLE]")
        venue = listings.venue_by_slug(slug=options["venue"])
        if venue is None:
            raise CommandError(f"no venue {options['venue']!r}")
        holder = self._holder(options["holder"], group=options["group"])
        actor = Actor(f"cli:{getpass.getuser()}")
        try:
            if options["revoke"]:
                role = role_revoke(venue=venue, actor=actor, **holder)
                self.stdout.write(f"revoked {role.value} of {options['holder']} in {venue.slug}")
                return
            if not options["role"]:
                raise CommandError("name the role: viewer, operator or venue_admin")
            grant = role_grant(venue=venue, role=options["role"], actor=actor, **holder)
        except MicboardError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{grant.holder_name} is {grant.role} of {venue.slug}")

    def _holder(self, name: str, *, group: bool) -> dict[str, Any]:
        if group:
            found_group = group_by_name(name=name)
            if found_group is None:
                raise CommandError(f"no group {name!r}")
            return {"group": found_group}
        user = user_by_name(username=name)
        if user is None:
            raise CommandError(f"no user {name!r}")
        return {"user": user}

    def _list(self, venue_slug: str) -> None:
        grants = venue_grants()
        if venue_slug:
            grants = grants.filter(venue__slug=venue_slug)
        for grant in grants.order_by("venue__slug", "role", "pk"):
            self.stdout.write(f"{grant.venue.slug}\t{grant.role}\t{grant.holder_name}")
