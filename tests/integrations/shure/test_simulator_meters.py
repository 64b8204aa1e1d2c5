"""Simulated meters look like real ones: rare audio peaks, RF on both antennas, seeded.

Bounds are about four standard deviations around what the model in
``micboard.integrations.shure.simulator.meters`` predicts, for fixed seeds.
"""

from __future__ import annotations

import math
import random
import socket
import time
from collections import Counter

import pytest

from micboard.integrations.base import AUDIO_PEAK_LEVEL, ChannelSnapshot
from micboard.integrations.shure.codec import FrameDecoder, Message, Verb
from micboard.integrations.shure.families import receiver_model
from micboard.integrations.shure.simulator import SimulatedReceiver
from micboard.integrations.shure.simulator.channel import SimulatedChannel
from micboard.integrations.shure.simulator.meters import PEAK_EVERY
from micboard.integrations.shure.specs import receiver_spec
from tests.conftest import StartFleet
from tests.waiting import wait_for

HOLD_SECONDS = 10.0  # how long a client shows AUDIO_PEAK after a peak


def live_channel() -> SimulatedChannel:
    return SimulatedChannel.from_spec(receiver_spec("ULXD4Q").channels[0], has_battery=True)


def steps(seconds: float, count: int, seed: int) -> list[tuple[int, str, tuple[int, ...]]]:
    """(audio level, antenna, RF per antenna) after each of ``count`` steps."""
    channel, rng = live_channel(), random.Random(seed)
    seen = []
    for _ in range(count):
        channel.step_meters(rng, seconds)
        seen.append((channel.audio_level, channel.antenna, channel.rf_levels))
    return seen


def poisson_bounds(mean: float) -> tuple[float, float]:
    return mean - 4 * math.sqrt(mean), mean + 4 * math.sqrt(mean)


@pytest.mark.parametrize(("seconds", "count"), [(0.1, 100_000), (1.0, 10_000)])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_channel_peaks_every_few_minutes_whatever_the_metering_rate(
    seconds: float, count: int, seed: int
) -> None:
    peaks = sum(audio >= AUDIO_PEAK_LEVEL for audio, _, _ in steps(seconds, count, seed))

    expected = seconds * count / PEAK_EVERY  # 10,000 s of sound: about 56 peaks
    low, high = poisson_bounds(expected)
    assert low <= peaks <= high


def test_a_client_metering_at_100_ms_sees_a_channel_in_audio_peak_a_few_percent_of_the_time() -> (
    None
):
    seen = steps(0.1, 100_000, seed=3)
    hold = round(HOLD_SECONDS / 0.1)
    last_peak, held = -hold, 0
    for index, (audio, _, _) in enumerate(seen):
        if audio >= AUDIO_PEAK_LEVEL:
            last_peak = index
        held += index - last_peak < hold

    expected = 1 - math.exp(-HOLD_SECONDS / PEAK_EVERY)  # 5.4%
    assert expected / 2 <= held / len(seen) <= expected * 2
    peak_share = sum(audio >= AUDIO_PEAK_LEVEL for audio, _, _ in seen) / len(seen)
    assert peak_share < 0.002  # it was 3% of SAMPLEs


def test_both_antennas_of_a_live_channel_always_carry_rf() -> None:
    seen = steps(0.1, 20_000, seed=4)

    assert all(len(levels) == 2 and min(levels) >= 70 for _, _, levels in seen)
    shares = Counter(antenna for _, antenna, _ in seen)
    assert set(shares) <= {"AB", "AX", "XB"}  # never XX while the transmitter is on
    assert 0.5 <= shares["AB"] / len(seen) <= 0.8
    assert min(shares["AX"], shares["XB"]) / len(seen) >= 0.1


@pytest.mark.parametrize("model", ["UR4D", "AD4D"])
def test_both_antennas_report_their_level_on_the_wire(model: str) -> None:
    family = receiver_model(model).family
    channel = ChannelSnapshot(
        number=1, battery_bars=5, rf_level=96, rf_levels=(96, 83), antenna="AX", audio_level=24
    )
    raw = family.sample_values(family.meter_messages(channel)[0].values)

    if model == "UR4D":
        assert (raw["RF_A"], raw["RF_B"]) == ("032", "045")  # -dBm: -32 and -45 dBm
    else:
        assert (raw["RSSI 1"], raw["RSSI 2"]) == ("088", "075")  # dBm + 120
    reported = SimulatedReceiver(receiver_spec(model)).channel_values(1)
    assert family.channel_snapshot(1, {**reported, **raw}).rf_level == 96  # the stronger one


def test_an_slxd_reports_each_antennas_own_level() -> None:
    family = receiver_model("SLXD4").family
    channel = ChannelSnapshot(number=1, battery_bars=5, rf_level=96, rf_levels=(96, 83))

    reports = family.channel_reports(channel)

    assert (reports["RSSI 1"], reports["RSSI 2"]) == ("088", "075")  # dBm + 120


def test_an_idle_transmitter_has_no_rf_on_either_antenna() -> None:
    channel = live_channel()
    channel.set_transmitter(on=False)
    channel.step_meters(random.Random(5), 0.1)

    assert (channel.rf_levels, channel.antenna, channel.audio_level) == ((0, 0), "XX", 0)


def test_the_same_seed_gives_the_same_meters() -> None:
    first, second, other = (SimulatedReceiver(receiver_spec("AD4Q"), seed=s) for s in "aab")

    def run(receiver: SimulatedReceiver) -> list[Message]:
        return [m for _ in range(500) for m in receiver.meter_messages(2, 0.1)]

    assert run(first) == run(second)
    assert run(first) != run(other)


def test_a_client_metering_every_channel_at_100_ms_rarely_sees_a_peak(
    start_fleet: StartFleet,
) -> None:
    receiver = start_fleet("ULXD4Q").receiver(0)
    samples = _meter(receiver, Message(Verb.SET, 0, "METER_RATE", ("00100",)), count=150)

    peaks = [s for s in samples if int(s.values[2]) >= AUDIO_PEAK_LEVEL]
    assert len(peaks) <= 2  # 150 SAMPLEs are 15 s of sound: 0.08 peaks expected (it was 4.5)
    assert {s.values[0] for s in samples} <= {"AB", "AX", "XB"}


def test_a_uhfr_streams_rf_on_both_antennas(start_fleet: StartFleet) -> None:
    receiver = start_fleet("UR4D").receiver(0)
    samples = _meter(receiver, Message(Verb.METER, 0, "ALL", ("004",)), count=20)

    assert all("100" not in (s.values[1], s.values[2]) for s in samples)  # 100: no signal


def _meter(receiver: SimulatedReceiver, start: Message, *, count: int) -> list[Message]:
    """``count`` SAMPLEs from a raw client that sent ``start``; bounded by 30 s."""
    dialect = receiver.family.dialect
    udp = receiver.family.transport.value == "udp"
    with socket.socket(type=socket.SOCK_DGRAM if udp else socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect((receiver.host, receiver.port))
        sock.send(dialect.encode(start))
        decoder = FrameDecoder(dialect.framing)
        samples: list[Message] = []
        deadline = time.monotonic() + 30
        while len(samples) < count:
            assert time.monotonic() < deadline, f"only {len(samples)} SAMPLEs in 30 s"
            messages = decoder.feed(sock.recv(65536))
            samples += [m for m in messages if m.verb is Verb.SAMPLE]
    if not udp:  # the receiver has let the connection go before the fleet stops
        wait_for(lambda: receiver.connection_count == 0, timeout=5, what="the client gone")
    return samples
