"""Who may see a wall: a user whose venue role allows it, or a kiosk link for that wall.

A user sees a venue's wall with any role in it (``micboard.selectors.access``); the wall
of every venue is a superuser's, as it shows venues others hold no role in. A venue a user
holds no role in is not found, so its existence does not leak.

The page hands the wall a signed pass bound to the wall it shows. The state endpoint,
asked about once a second, trusts a pass younger than ``MICBOARD_WALL_PASS_SECONDS``
without reading the session or the kiosk link, so a wall whose version is current costs
no database query. The wall renews its pass well before it expires by asking once with its
session cookie or kiosk token; a logout or a revoked kiosk link therefore ends a wall's
updates within that many seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest

from micboard.models import ALL_VENUES, Venue
from micboard.selectors.access import Capability, venue_access
from micboard.selectors.kiosk import kiosk_link_allows, kiosk_link_for_token

PASS_HEADER = "X-Wall-Pass"  # noqa: S105 - a header name
KIOSK_HEADER = "X-Kiosk-Token"
_PASS_SALT = "micboard.web.wall-pass"  # noqa: S105 - a signing namespace, not a key


@dataclass(frozen=True, slots=True)
class WallScope:
    """The wall being shown: one venue, or every venue (``venue_id`` None)."""

    venue_id: int | None
    slug: str = ""

    @property
    def name(self) -> str:
        return self.slug or ALL_VENUES


def scope_of(venue: Venue | None) -> WallScope:
    return WallScope(venue.pk, venue.slug) if venue else WallScope(None)


def issue_pass(scope: WallScope) -> str:
    return signing.dumps({"wall": scope.name, "venue": scope.venue_id}, salt=_PASS_SALT)


def scope_from_pass(value: str, *, slug: str) -> WallScope | None:
    """The scope a still valid pass grants for the wall ``slug`` ("" for every venue)."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_PASS_SALT, max_age=settings.MICBOARD_WALL_PASS_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("wall") != (slug or ALL_VENUES):
        return None
    venue_id = data.get("venue")
    return WallScope(venue_id if isinstance(venue_id, int) else None, slug)


def may_view(request: HttpRequest, venue: Venue | None, *, kiosk_token: str) -> bool:
    """A kiosk token, when given, decides alone; otherwise the user's venue role."""
    if kiosk_token:
        link = kiosk_link_for_token(token=kiosk_token)
        return link is not None and kiosk_link_allows(link=link, venue=venue)
    access = venue_access(user=request.user)
    return access.may(venue.pk if venue else None, Capability.VIEW)
