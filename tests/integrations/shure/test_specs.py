from __future__ import annotations

import pytest

from micboard.integrations.shure.specs import (
    FULL_RUNTIME_MINUTES,
    ChannelSpec,
    ReceiverSpec,
    battery_bars_for,
    receiver_spec,
)


def test_receiver_spec_is_deterministic_and_realistic() -> None:
    spec = receiver_spec("ULXD4Q", 3)

    assert spec == receiver_spec("ULXD4Q", 3)
    assert [c.name for c in spec.channels] == [
        "HH13 Youth",
        "BP14 Band",
        "HH15 Panel",
        "BP16 Spare",
    ]
    assert len({c.frequency_khz for c in spec.channels}) == 4
    assert all(470_000 <= c.frequency_khz <= 636_875 for c in spec.channels)
    assert {c.transmitter for c in spec.channels} <= {"ULXD1", "ULXD2"}
    assert receiver_spec("QLXD4").channels[0].transmitter in {"QLXD1", "QLXD2"}


def test_receiver_spec_must_match_the_model() -> None:
    channel = ChannelSpec("HH01", 500_000, "ULXD2")

    with pytest.raises(ValueError, match="ULXD4D has 2 channels"):
        ReceiverSpec("ULXD4D", "RX", "2.7.6.0", "G50", (channel,))


@pytest.mark.parametrize(
    ("runtime", "bars"), [(FULL_RUNTIME_MINUTES, 5), (FULL_RUNTIME_MINUTES // 2, 3), (1, 1)]
)
def test_battery_bars_follow_the_runtime(runtime: int, bars: int) -> None:
    assert battery_bars_for(runtime) == bars
