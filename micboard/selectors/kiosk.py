"""Reading kiosk links: which link a token opens and which wall it shows."""

from __future__ import annotations

import hashlib

from micboard.models import KioskLink, Venue

TOKEN_PREFIX = "mbk_"  # noqa: S105 - marks a kiosk token, not a secret


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def kiosk_link_for_token(*, token: str) -> KioskLink | None:
    """The active link of ``token``, or None for an unknown or revoked one."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return (
        KioskLink.objects.filter(token_digest=token_digest(token), revoked_at__isnull=True)
        .select_related("venue")
        .first()
    )


def kiosk_link_allows(*, link: KioskLink, venue: Venue | None) -> bool:
    """A venue's link shows that venue's wall; a link without a venue shows every wall."""
    return link.venue_id is None or (venue is not None and link.venue_id == venue.pk)
