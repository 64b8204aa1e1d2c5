from __future__ import annotations

import pytest
from django.conf import settings

from micboard.composition import location_service
from micboard.exceptions import ConflictError, NotFoundError, ValidationError
from micboard.services.locations import venue_runtime_levels_set

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


@pytest.mark.parametrize(
    ("replace", "critical", "field", "problem"),
    [
        (60, None, "battery_critical_minutes", "required when the other runtime level is set"),
        (None, 20, "battery_replace_minutes", "required when the other runtime level is set"),
        (0, 20, "battery_replace_minutes", "0 is outside 1-1440 minutes"),
        (60, 1441, "battery_critical_minutes", "1441 is outside 1-1440 minutes"),
        (60, 60, "battery_critical_minutes", "60 must be below the REPLACE level (60)"),
    ],
)
def test_runtime_levels_refused_with_the_field_at_fault(
    replace: int | None, critical: int | None, field: str, problem: str
) -> None:
    venue = location_service().venue_create(name="Chapel")
    with pytest.raises(ValidationError) as refused:
        venue_runtime_levels_set(venue=venue, replace_minutes=replace, critical_minutes=critical)
    assert refused.value.details[field] == problem
    venue.refresh_from_db()
    assert (venue.battery_replace_minutes, venue.battery_critical_minutes) == (None, None)


def test_runtime_levels_set_and_cleared() -> None:
    venue = location_service().venue_create(name="Chapel")
    venue_runtime_levels_set(venue=venue, replace_minutes=60, critical_minutes=20)
    venue.refresh_from_db()
    assert (venue.battery_replace_minutes, venue.battery_critical_minutes) == (60, 20)
    venue_runtime_levels_set(venue=venue, replace_minutes=None, critical_minutes=None)
    venue.refresh_from_db()
    assert (venue.battery_replace_minutes, venue.battery_critical_minutes) == (None, None)
