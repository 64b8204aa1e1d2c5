from __future__ import annotations

import pytest

from micboard.exceptions import ValidationError
from micboard.models import KioskLink
from micboard.selectors.kiosk import kiosk_link_allows, kiosk_link_for_token
from micboard.services.kiosk import kiosk_link_create, kiosk_links_revoke
from tests.factories import make_venue

pytestmark = pytest.mark.django_db


def test_a_link_stores_only_a_digest_of_its_token() -> None:
    venue = make_venue()
    issued = kiosk_link_create(venue=venue, label="FOH TV", created_by="op")
    stored = KioskLink.objects.get(pk=issued.link.pk)
    assert issued.token.startswith("mbk_")
    assert issued.token not in stored.token_digest
    assert len(stored.token_digest) == 64
    assert kiosk_link_for_token(token=issued.token) == stored


def test_unknown_and_revoked_tokens_find_nothing() -> None:
    issued = kiosk_link_create(venue=None, label="Lobby", created_by="op")
    assert kiosk_link_for_token(token="mbk_nothing") is None
    assert kiosk_link_for_token(token="not-even-the-prefix") is None
    assert kiosk_links_revoke(link_ids=[issued.link.pk]) == 1
    assert kiosk_links_revoke(link_ids=[issued.link.pk]) == 0
    assert kiosk_link_for_token(token=issued.token) is None


def test_a_link_shows_its_venue_or_every_venue() -> None:
    venue, other = make_venue(), make_venue()
    venue_link = kiosk_link_create(venue=venue, label="Stage", created_by="op").link
    everywhere = kiosk_link_create(venue=None, label="Office", created_by="op").link
    assert kiosk_link_allows(link=venue_link, venue=venue)
    assert not kiosk_link_allows(link=venue_link, venue=other)
    assert not kiosk_link_allows(link=venue_link, venue=None)
    assert kiosk_link_allows(link=everywhere, venue=other)
    assert kiosk_link_allows(link=everywhere, venue=None)


def test_a_link_needs_a_label() -> None:
    with pytest.raises(ValidationError):
        kiosk_link_create(venue=None, label=" ", created_by="op")
