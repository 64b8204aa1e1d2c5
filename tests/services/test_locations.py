from __future__ import annotations

import pytest
from django.conf import settings

from micboard.composition import location_service
from micboard.exceptions import ConflictError, NotFoundError, ValidationError

pytestmark = pytest.mark.django_db


def test_venue_owns_a_queue_named_after_its_slug() -> None:
    venue = location_service().venue_create(name="St. Mary's Hall")
    assert venue.slug == "st-marys-hall"
    assert venue.queue_name == f"{settings.MICBOARD_QUEUE_PREFIX}st-marys-hall"


def test_duplicate_slug_is_a_conflict() -> None:
    location_service().venue_create(name="Arena", slug="arena")
    with pytest.raises(ConflictError):
        location_service().venue_create(name="Arena again", slug="arena")


def test_blank_name_is_invalid() -> None:
    with pytest.raises(ValidationError):
        location_service().venue_create(name="  ")


def test_get_or_create_and_get() -> None:
    service = location_service()
    venue = service.venue_get_or_create(name="Campus", slug="campus")
    assert service.venue_get_or_create(name="Campus", slug="campus").pk == venue.pk
    assert service.venue_get(venue_id=venue.pk) == venue
    with pytest.raises(NotFoundError):
        service.venue_get(venue_id=venue.pk + 1000)
