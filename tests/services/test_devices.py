from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from micboard.composition import device_service
from micboard.exceptions import ConflictError, NotFoundError, ValidationError
from micboard.infrastructure.wall_versions import WallVersions
from micboard.models import Channel, ChannelState, Receiver, ReceiverStatus, TelemetrySample
from micboard.services.dto import PolledSnapshot, ReceiverInput, UnreachablePoll
from micboard.services.locations import venue_runtime_levels_set
from tests.factories import make_receiver, make_venue, snapshot
from tests.queries import TRANSACTION_CONTROL, query_budget

pytestmark = pytest.mark.django_db


def test_register_computes_channels_family_and_schedule() -> None:
    receiver = make_receiver(make_venue(), model="ulxd4d")
    assert (receiver.model, receiver.family, receiver.channel_count) == ("ULXD4D", "ULXD", 2)
    assert receiver.next_sync_at is not None
    assert receiver.status == ReceiverStatus.UNKNOWN


def test_register_rejects_bad_address_with_field_errors() -> None:
    venue = make_venue()
    with pytest.raises(ValidationError) as caught:
        device_service().receiver_register(
            venue=venue, data=ReceiverInput(name="x", model="ULXD4", host="no such host", port=0)
        )
    assert {"host", "port"} <= set(caught.value.details)


def test_register_rejects_unknown_model_and_protocol() -> None:
    venue = make_venue()
    with pytest.raises(ValidationError, match="model"):
        device_service().receiver_register(
            venue=venue, data=ReceiverInput(name="x", model="XYZ9", host="10.0.0.1")
        )
    with pytest.raises(ValidationError, match="protocol"):
        device_service().receiver_register(
            venue=venue,
            data=ReceiverInput(name="x", model="ULXD4", host="10.0.0.1", protocol="nope"),
        )


def test_duplicate_address_in_a_venue_is_a_conflict() -> None:
    venue = make_venue()
    receiver = make_receiver(venue, port=4100)
    with pytest.raises(ConflictError):
        make_receiver(venue, port=receiver.port)


def test_update_shrinking_model_drops_extra_channels() -> None:
    receiver = make_receiver(make_venue(), model="ULXD4Q")
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(4))
    data = ReceiverInput(name="Smaller", model="ULXD4D", host=receiver.host, port=receiver.port)
    device_service().receiver_update(receiver=receiver, data=data)
    assert list(receiver.channels.values_list("number", flat=True)) == [1, 2]


def test_apply_snapshot_writes_receiver_channels_and_history() -> None:
    receiver = make_receiver(make_venue())
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(4), duration_ms=12)
    receiver.refresh_from_db()
    assert receiver.status == ReceiverStatus.ONLINE
    assert (receiver.firmware, receiver.device_id, receiver.last_sync_duration_ms) == (
        "2.7.6",
        "RACK-A",
        12,
    )
    channels = list(receiver.channels.order_by("number"))
    assert [c.name for c in channels] == [f"HH01 Lead {n}" for n in range(1, 5)]
    assert {c.state for c in channels} == {ChannelState.GOOD}
    assert TelemetrySample.objects.filter(channel__receiver=receiver).count() == 4


def test_unchanged_values_add_no_telemetry_until_the_interval() -> None:
    receiver = make_receiver(make_venue())
    service = device_service()
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(2))
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(2))
    assert TelemetrySample.objects.filter(channel__receiver=receiver).count() == 2
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(2, bars=3))
    assert TelemetrySample.objects.filter(channel__receiver=receiver).count() == 4


def test_transmitter_switched_off_keeps_its_last_level() -> None:
    receiver = make_receiver(make_venue(), model="ULXD4")
    service = device_service()
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(1, bars=3))
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(1, bars=None))
    channel = Channel.objects.get(receiver=receiver)
    assert channel.state == ChannelState.PREV_REPLACE
    assert channel.last_battery_bars == 3


def test_a_venue_with_runtime_levels_judges_by_runtime_through_a_poll() -> None:
    venue = make_venue()
    venue_runtime_levels_set(venue=venue, replace_minutes=60, critical_minutes=20)
    receiver = make_receiver(venue, model="ULXD4")
    service = device_service()
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(1, bars=2))  # 4:05 left
    channel = Channel.objects.get(receiver=receiver)
    assert (channel.state, channel.battery_bars) == (ChannelState.GOOD, 2)
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(1, bars=None))
    channel.refresh_from_db()
    assert (channel.state, channel.last_runtime_minutes) == (ChannelState.PREV_GOOD, 245)


def test_mark_unreachable_sets_offline_and_rx_com_error() -> None:
    receiver = make_receiver(make_venue())
    service = device_service()
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(4))
    later = receiver.next_sync_at + timedelta(seconds=30)  # type: ignore[operator]
    service.polls_apply(answered=[], unreachable=[UnreachablePoll(receiver, "refused", later)])
    service.polls_apply(answered=[], unreachable=[UnreachablePoll(receiver, "refused again")])
    receiver.refresh_from_db()
    assert receiver.status == ReceiverStatus.OFFLINE
    assert (receiver.last_error, receiver.consecutive_failures) == ("refused again", 2)
    assert set(receiver.channels.values_list("state", flat=True)) == {ChannelState.RX_COM_ERROR}
    # The last snapshot's values stay for the operator to see.
    assert receiver.channels.filter(battery_bars=4).count() == 4


@pytest.mark.usefixtures("alerts_off")
@pytest.mark.parametrize("channels", [1, 4, 8])
def test_apply_snapshot_query_budget_is_fixed(channels: int) -> None:
    """Same number of queries whatever the channel count (first and steady-state polls)."""
    receiver = make_receiver(make_venue())
    receiver.channel_count = channels
    service = device_service()
    # read channels, update receiver, upsert channels, insert samples
    with query_budget(4, ignore=TRANSACTION_CONTROL):
        service.snapshot_apply(receiver=receiver, snapshot=snapshot(channels))
    with query_budget(3, ignore=TRANSACTION_CONTROL):  # nothing changed: no telemetry rows
        service.snapshot_apply(receiver=receiver, snapshot=snapshot(channels))


def test_set_enabled_counts_rows() -> None:
    venue = make_venue()
    receivers = [make_receiver(venue) for _ in range(3)]
    count = device_service().receiver_set_enabled(
        receiver_ids=[r.pk for r in receivers], enabled=False
    )
    assert count == 3
    assert not Receiver.objects.filter(enabled=True).exists()


def test_remove_deletes_channels_too() -> None:
    receiver = make_receiver(make_venue())
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(4))
    device_service().receiver_remove(receiver=receiver)
    assert not Channel.objects.exists()


# Foreign keys are checked at commit: only a real transaction shows a deleted receiver.
@pytest.mark.django_db(transaction=True)
def test_a_receiver_deleted_while_polled_does_not_sink_its_batch() -> None:
    venue = make_venue()
    kept, deleted = make_receiver(venue), make_receiver(venue)
    Receiver.objects.filter(pk=deleted.pk).delete()
    vanished = device_service().polls_apply(
        answered=[PolledSnapshot(kept, snapshot(4)), PolledSnapshot(deleted, snapshot(4))],
        unreachable=[],
    )
    assert vanished == [deleted.pk]
    kept.refresh_from_db()
    assert kept.status == ReceiverStatus.ONLINE
    assert kept.channels.count() == 4
    assert not Channel.objects.filter(receiver_id=deleted.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_apply_snapshot_of_a_deleted_receiver_is_not_found() -> None:
    receiver = make_receiver(make_venue())
    Receiver.objects.filter(pk=receiver.pk).delete()
    with pytest.raises(NotFoundError):
        device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(4))


def test_channels_a_receiver_stops_reporting_are_removed() -> None:
    receiver = make_receiver(make_venue())
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(4))
    device_service().snapshot_apply(receiver=receiver, snapshot=snapshot(2))
    assert list(receiver.channels.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_only_a_change_on_show_bumps_the_wall(redis_client: redis.Redis) -> None:
    versions = WallVersions(redis_client, prefix=settings.MICBOARD_KEY_PREFIX)
    receiver = make_receiver(make_venue())
    service = device_service()

    def bumped_by(change: Callable[[], None]) -> bool:
        before = versions.current(venue_id=receiver.venue_id)
        change()
        return versions.current(venue_id=receiver.venue_id) != before

    def apply(name: str) -> None:
        service.snapshot_apply(receiver=receiver, snapshot=snapshot(4, name=name))

    def unreachable() -> None:
        service.polls_apply(answered=[], unreachable=[UnreachablePoll(receiver, "refused")])
        receiver.refresh_from_db()

    assert bumped_by(lambda: apply("HH01 Lead"))  # new channels
    assert not bumped_by(lambda: apply("HH01 Lead"))  # the same values again
    assert bumped_by(lambda: apply("HH02 Vox"))
    assert bumped_by(unreachable)
    assert not bumped_by(unreachable)  # still offline
    assert bumped_by(lambda: apply("HH02 Vox"))  # back online


def test_a_stale_receiver_synced_again_bumps_the_wall_with_no_value_changed(
    redis_client: redis.Redis,
) -> None:
    versions = WallVersions(redis_client, prefix=settings.MICBOARD_KEY_PREFIX)
    receiver = make_receiver(make_venue(), poll_interval=5)
    service = device_service()
    service.snapshot_apply(receiver=receiver, snapshot=snapshot(4))
    old = timezone.now() - timedelta(minutes=1)

    for write in (
        lambda: service.snapshot_apply(receiver=receiver, snapshot=snapshot(4)),
        lambda: service.polls_apply(answered=[], unreachable=[UnreachablePoll(receiver, "x")]),
        lambda: service.polls_apply(answered=[], unreachable=[UnreachablePoll(receiver, "x")]),
    ):
        Receiver.objects.filter(pk=receiver.pk).update(last_sync_at=old)
        receiver.refresh_from_db()
        before = versions.current(venue_id=receiver.venue_id)
        write()
        assert versions.current(venue_id=receiver.venue_id) != before  # stale → fresh
