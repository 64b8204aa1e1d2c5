"""What a simulated receiver is: model, identity and each channel's starting values.

``receiver_spec(model, index)`` builds the ``index``-th receiver of a fleet, the same on
every run: names like ``HH01 Lead`` and ``BP02 Pastor``, distinct frequencies inside the
receiver's band (470-636 MHz), batteries at assorted levels, now and then one switched off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from micboard.integrations.shure.values import receiver_model

FULL_RUNTIME_MINUTES = 600
BANDS = (("G50", 470_125, 534_875), ("H50", 534_125, 597_875), ("J50", 572_125, 636_875))
FIRMWARE = {"ULX-D": "2.7.6.0", "QLX-D": "2.4.9.0"}
HANDHELD = {"ULX-D": "ULXD2", "QLX-D": "QLXD2"}
BODYPACK = {"ULX-D": "ULXD1", "QLX-D": "QLXD1"}
PERFORMERS = (
    "Lead", "Pastor", "Keys", "Choir", "Host", "Guest", "Bass", "Drums",
    "Tenor", "Alto", "Reader", "Cantor", "Youth", "Band", "Panel", "Spare",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    name: str
    frequency_khz: int
    transmitter: str
    runtime_minutes: int | None = FULL_RUNTIME_MINUTES
    """``None``: the transmitter is off."""
    tx_offset_db: int = 0


@dataclass(frozen=True, slots=True)
class ReceiverSpec:
    model: str
    device_id: str
    firmware: str
    rf_band: str
    channels: tuple[ChannelSpec, ...]

    def __post_init__(self) -> None:
        expected = receiver_model(self.model).channels
        if len(self.channels) != expected:
            raise ValueError(f"{self.model} has {expected} channels, not {len(self.channels)}")


def receiver_spec(model: str, index: int = 0) -> ReceiverSpec:
    """A deterministic, realistic receiver: the ``index``-th of a fleet."""
    info = receiver_model(model)
    band, low, high = BANDS[index % len(BANDS)]
    channels = []
    for channel in range(1, info.channels + 1):
        slot = index * 4 + channel
        handheld = slot % 2 == 1
        prefix = "HH" if handheld else "BP"
        channels.append(
            ChannelSpec(
                name=f"{prefix}{slot:02d} {PERFORMERS[(slot - 1) % len(PERFORMERS)]}",
                frequency_khz=low + ((index // len(BANDS)) * 4 + channel) * 1_625 % (high - low),
                transmitter=(HANDHELD if handheld else BODYPACK)[info.family],
                runtime_minutes=(
                    None  # a transmitter switched off, now and then
                    if slot % 13 == 0
                    else FULL_RUNTIME_MINUTES - slot * 97 % (FULL_RUNTIME_MINUTES - 20)
                ),
            )
        )
    return ReceiverSpec(
        model=info.name,
        device_id=f"RX-{index + 1:03d}",
        firmware=FIRMWARE[info.family],
        rf_band=band,
        channels=tuple(channels),
    )


def battery_bars_for(runtime_minutes: int) -> int:
    return min(5, math.ceil(runtime_minutes * 5 / FULL_RUNTIME_MINUTES))
