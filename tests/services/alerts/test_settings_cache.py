"""A venue's alert settings kept between evaluations: a change is seen by the next one."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from micboard.models import Alert, AlertRule, RuleKind, Venue, WatchedEvent, WatchedHours
from micboard.services.alerts.configuration import watched_event_save, watched_hours_save
from micboard.services.alerts.rules import rule_save
from micboard.services.alerts.settings_cache import SETTINGS_LIFETIME_SECONDS
from tests.factories import make_receiver, make_venue
from tests.queries import TRANSACTION_CONTROL, query_budget
from tests.services.alerts.conftest import AlertBench

pytestmark = pytest.mark.django_db


def version(venue: Venue) -> int:
    return Venue.objects.values_list("alert_settings_version", flat=True).get(pk=venue.pk)


def test_a_rule_switched_off_is_seen_by_the_next_evaluation(bench: AlertBench) -> None:
    receiver = make_receiver(make_venue(), model="ULXD4D")
    bench.answer(receiver, 4, 4)  # the venue's settings are read and kept
    rule = AlertRule.objects.get(venue=receiver.venue, kind=RuleKind.BATTERY)
    rule.enabled = False
    rule_save(rule=rule)
    bench.answer(receiver, 1, 4)
    assert not Alert.objects.exists()


def test_watched_hours_added_are_seen_by_the_next_evaluation(bench: AlertBench) -> None:
    receiver = make_receiver(make_venue(), model="ULXD4D")
    bench.answer(receiver, 4, 4)  # no hours and no events: always watched
    # Mondays only; the clock is on a Thursday evening.
    watched_hours_save(
        hours=WatchedHours(venue=receiver.venue, weekday=0, starts=time(9), ends=time(10))
    )
    bench.answer(receiver, None, 4)
    bench.clock.advance(11)  # past the lost transmitter's delay
    bench.answer(receiver, None, 4)
    assert not Alert.objects.filter(rule__kind=RuleKind.TRANSMITTER_LOST).exists()


def test_kept_settings_cost_no_reads_until_a_change_or_their_lifetime(bench: AlertBench) -> None:
    # polled once a minute: not unreached while the kept settings age
    receiver = make_receiver(make_venue(), model="ULXD4D", poll_interval=60)
    bench.answer(receiver, 4, 4)

    def evaluation_reads(count: int) -> None:
        # the receivers, their channels, the active alerts; then rules, hours, events
        with query_budget(count, ignore=TRANSACTION_CONTROL):
            bench.alerts.receivers_evaluate(receiver_ids=[receiver.pk])

    evaluation_reads(3)
    # A write that sends no signal moves no version: seen once the kept copy is too old.
    AlertRule.objects.filter(venue=receiver.venue, kind=RuleKind.BATTERY).update(enabled=False)
    bench.clock.advance(SETTINGS_LIFETIME_SECONDS - 1)
    evaluation_reads(3)
    bench.clock.advance(1)
    evaluation_reads(6)
    bench.answer(receiver, 1, 4)
    assert not Alert.objects.exists()


def test_every_settings_change_moves_the_venue_version() -> None:
    venue = make_venue()  # its default rules, inserted in bulk, moved it
    moved = [version(venue)]
    rule = AlertRule.objects.filter(venue=venue).first()
    assert rule is not None
    rule.hold_seconds += 1
    rule_save(rule=rule)
    moved.append(version(venue))
    hours = watched_hours_save(
        hours=WatchedHours(venue=venue, weekday=2, starts=time(18), ends=time(23))
    )
    moved.append(version(venue))
    start = venue.created_at + timedelta(days=1)
    event = watched_event_save(
        event=WatchedEvent(
            venue=venue, name="Rehearsal", starts_at=start, ends_at=start + timedelta(hours=2)
        )
    )
    moved.append(version(venue))
    for row in (hours, event, rule):
        row.delete()
        moved.append(version(venue))
    assert moved == list(range(1, 8))


def test_an_event_over_since_the_read_no_longer_counts(bench: AlertBench) -> None:
    receiver = make_receiver(make_venue(), model="ULXD4D")
    now = bench.clock.now()
    watched_event_save(
        event=WatchedEvent(
            venue=receiver.venue,
            name="Service",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(seconds=5),
        )
    )
    bench.answer(receiver, 4, 4)  # watched: the event runs; the settings are kept
    bench.clock.advance(6)  # the event is over, the kept copy still current
    bench.answer(receiver, None, 4)
    bench.clock.advance(11)
    bench.answer(receiver, None, 4)
    # No weekly hours and no event left: always watched again, so the loss alerts.
    assert Alert.objects.filter(rule__kind=RuleKind.TRANSMITTER_LOST).exists()
