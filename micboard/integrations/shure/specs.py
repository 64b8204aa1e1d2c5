"""What a simulated receiver is: model, identity and each channel's starting values.

``receiver_spec(model, index)`` builds the ``index``-th receiver of a fleet, the same on
every run: names like ``HH01 Lead`` and ``BP02 Pastor``, or ``01 Lead`` and ``02 Vicar``
where the family's names are shorter (ULX-D and QLX-D hold 8 characters) and on an in-ear
transmitter; distinct frequencies inside the receiver's band (470-636 MHz), batteries at
assorted levels, now and then a transmitter switched off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from micboard.integrations.shure.families import receiver_model

FULL_RUNTIME_MINUTES = 600
BANDS = (("G50", 470_125, 534_875), ("H50", 534_125, 597_875), ("J50", 572_125, 636_875))
FIRMWARE = {
    "ULX-D": "2.7.6.0",
    "QLX-D": "2.4.9.0",
    "SLX-D": "1.2.8.0",
    "Axient Digital": "2.1.29.0",
    "UHF-R": "3.1.16",
    "PSM1000": "",
}
HANDHELD = {
    "ULX-D": "ULXD2", "QLX-D": "QLXD2", "SLX-D": "SLXD2", "Axient Digital": "AD2",
    "UHF-R": "UR2", "PSM1000": "",
}  # fmt: skip
BODYPACK = {
    "ULX-D": "ULXD1", "QLX-D": "QLXD1", "SLX-D": "SLXD1", "Axient Digital": "AD1",
    "UHF-R": "UR1", "PSM1000": "",
}  # fmt: skip
PERFORMERS = (
    "Lead", "Pastor", "Keys", "Choir", "Host", "Guest", "Bass", "Drums",
    "Tenor", "Alto", "Reader", "Cantor", "Youth", "Band", "Panel", "Spare",
)  # fmt: skip
SHORT_CAST = (
    "Lead", "Vicar", "Keys", "Choir", "Host", "Guest", "Bass", "Drums",
    "Tenor", "Alto", "Poet", "Solo", "Youth", "Band", "Panel", "Spare",
)  # fmt: skip
"""The cast in five letters or fewer: ``16 Spare`` fits an 8-character name."""
MIXES = ("Lead", "Keys", "Bass", "Drums", "Band", "Choir", "Host", "Horns")
"""In-ear mixes: short enough for an 8-character PSM1000 name."""


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    name: str
    frequency_khz: int
    transmitter: str
    runtime_minutes: int | None = FULL_RUNTIME_MINUTES
    """``None``: the transmitter is off (ignored by families without a battery)."""
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
    family = info.family
    band, low, high = BANDS[index % len(BANDS)]
    channels = []
    for channel in range(1, info.channels + 1):
        slot = index * 4 + channel
        handheld = slot % 2 == 1
        channels.append(
            ChannelSpec(
                name=channel_name(slot, family.name_width, in_ear=not family.has_battery),
                frequency_khz=low + ((index // len(BANDS)) * 4 + channel) * 1_625 % (high - low),
                transmitter=(HANDHELD if handheld else BODYPACK)[family.name],
                runtime_minutes=(
                    None  # a transmitter switched off, now and then
                    if slot % 13 == 0 and family.has_battery
                    else FULL_RUNTIME_MINUTES - slot * 97 % (FULL_RUNTIME_MINUTES - 20)
                ),
            )
        )
    return ReceiverSpec(
        model=info.name,
        device_id=f"RX-{index + 1:03d}",
        firmware=FIRMWARE[family.name],
        rf_band=band,
        channels=tuple(channels),
    )


def channel_name(slot: int, width: int, *, in_ear: bool = False) -> str:
    """The ``slot``-th channel's name, at most ``width`` characters: ``HH01 Lead`` (a
    handheld, odd slots) or ``BP02 Pastor`` where it fits, else ``01 Lead``; an in-ear
    transmitter carries a mix, ``01 Lead``."""
    cast = MIXES if in_ear else SHORT_CAST
    short = f"{slot % 100:02d} {cast[(slot - 1) % len(cast)]}"
    if in_ear:
        return short[:width]
    prefix = "HH" if slot % 2 == 1 else "BP"
    full = f"{prefix}{slot:02d} {PERFORMERS[(slot - 1) % len(PERFORMERS)]}"
    return full if len(full) <= width else short[:width]


def battery_bars_for(runtime_minutes: int) -> int:
    return min(5, math.ceil(runtime_minutes * 5 / FULL_RUNTIME_MINUTES))
