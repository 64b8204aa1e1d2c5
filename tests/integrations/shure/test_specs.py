from __future__ import annotations

import pytest

from micboard.integrations.shure.families import MODELS
from micboard.integrations.shure.specs import (
    FULL_RUNTIME_MINUTES,
    ChannelSpec,
    ReceiverSpec,
    battery_bars_for,
    channel_name,
    receiver_spec,
)


def test_receiver_spec_is_deterministic_and_realistic() -> None:
    spec = receiver_spec("ULXD4Q", 3)

    assert spec == receiver_spec("ULXD4Q", 3)
    assert [c.name for c in spec.channels] == ["13 Youth", "14 Band", "15 Panel", "16 Spare"]
    assert [c.name for c in receiver_spec("AD4Q", 0).channels] == [
        "HH01 Lead",
        "BP02 Pastor",
        "HH03 Keys",
        "BP04 Choir",
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


@pytest.mark.parametrize("model", sorted(MODELS))
def test_every_demo_name_fits_the_familys_channel_name(model: str) -> None:
    width = MODELS[model].family.name_width
    names = [c.name for index in (0, 7, 30, 2_499) for c in receiver_spec(model, index).channels]
    assert all(0 < len(name) <= width for name in names), (width, names)
    assert len({name.split(" ", 1)[1] for name in names}) > 1  # a cast, not one name


def test_a_name_too_long_for_the_family_falls_back_to_the_short_form() -> None:
    assert channel_name(2, 31) == "BP02 Pastor"
    assert channel_name(2, 8) == "02 Vicar"
    assert channel_name(1, 8, in_ear=True) == "01 Lead"
    assert channel_name(1_001, 12) == "HH1001 Tenor"  # UHF-R holds 12
    assert channel_name(1_010, 12) == "10 Vicar"  # BP1010 Pastor is 13
