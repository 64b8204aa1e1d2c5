"""Watched hours and quiet hours, in the venue's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time

from micboard.models import WatchedEvent, WatchedHours
from micboard.services.alerts.watch import in_quiet_hours, is_watched, quiet_hours_end, venue_zone

BERLIN = venue_zone("Europe/Berlin")
# Sunday 29 November 2026, 09:30 in Berlin (UTC+1).
SUNDAY_MORNING = datetime(2026, 11, 29, 8, 30, tzinfo=UTC)


def test_a_venue_without_a_schedule_is_always_watched() -> None:
    assert is_watched(zone=BERLIN, weekly=[], events=[], now=SUNDAY_MORNING)


def test_weekly_hours_count_in_the_venue_time_zone() -> None:
    service = WatchedHours(weekday=6, starts=time(9, 0), ends=time(12, 0))
    assert is_watched(zone=BERLIN, weekly=[service], events=[], now=SUNDAY_MORNING)
    assert not is_watched(zone=venue_zone("UTC"), weekly=[service], events=[], now=SUNDAY_MORNING)


def test_a_window_past_midnight_covers_the_next_morning() -> None:
    late = WatchedHours(weekday=5, starts=time(22, 0), ends=time(10, 0))
    assert is_watched(zone=BERLIN, weekly=[late], events=[], now=SUNDAY_MORNING)
    assert not is_watched(
        zone=BERLIN, weekly=[late], events=[], now=datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    )


def test_a_one_off_event_is_watched_while_it_lasts() -> None:
    event = WatchedEvent(
        name="Carol concert",
        starts_at=datetime(2026, 11, 29, 8, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
    )
    assert is_watched(zone=BERLIN, weekly=[], events=[event], now=SUNDAY_MORNING)
    later = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    monday = WatchedHours(weekday=0, starts=time(9, 0), ends=time(10, 0))
    assert not is_watched(zone=BERLIN, weekly=[monday], events=[event], now=later)


def test_quiet_hours_may_run_past_midnight() -> None:
    night = {"quiet_from": time(22, 0), "quiet_until": time(7, 0), "zone": BERLIN}
    assert in_quiet_hours(**night, now=datetime(2026, 11, 29, 22, 30, tzinfo=UTC))
    assert in_quiet_hours(**night, now=datetime(2026, 11, 29, 5, 0, tzinfo=UTC))
    assert not in_quiet_hours(**night, now=SUNDAY_MORNING)
    day = {"quiet_from": time(9, 0), "quiet_until": time(10, 0), "zone": BERLIN}
    assert in_quiet_hours(**day, now=SUNDAY_MORNING)
    assert not in_quiet_hours(quiet_from=None, quiet_until=None, zone=BERLIN, now=SUNDAY_MORNING)


def test_an_unknown_zone_reads_as_utc() -> None:
    assert venue_zone("Mars/Olympus") == venue_zone("UTC")


def test_quiet_hours_end_at_the_next_local_end_time() -> None:
    evening = datetime(2026, 11, 28, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    night = {"quiet_from": time(22, 0), "quiet_until": time(7, 0), "zone": BERLIN}
    assert quiet_hours_end(**night, now=evening) == datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    early = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)  # 06:00 in Berlin, same night
    assert quiet_hours_end(**night, now=early) == datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    assert quiet_hours_end(**night, now=SUNDAY_MORNING) is None


def test_quiet_hours_over_a_clock_change_end_at_local_time() -> None:
    # Berlin goes from UTC+2 to UTC+1 in the night to Sunday 25 October 2026.
    saturday_night = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)  # 23:00 summer time
    end = quiet_hours_end(
        quiet_from=time(22, 0), quiet_until=time(7, 0), zone=BERLIN, now=saturday_night
    )
    assert end == datetime(2026, 10, 25, 6, 0, tzinfo=UTC)  # 07:00 winter time
