"""Sennheiser receiver families: models, channels and the SSC addresses each one answers.

Every address below is quoted in the family's own SSC developer's guide (section given);
``docs/protocols/sennheiser.md`` lists them with what is stored and what the guides leave open.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from micboard.exceptions import DeviceError

PROTOCOL_PREFIX = "sennheiser-ssc"
"""Each family's driver is ``sennheiser-ssc-<family key, lower case>``: one wire form, SSC,
with per-family addresses."""
SSC_PORT = 45
SSCV2_PROTOCOL = "sennheiser-sscv2-ewdx"
"""EW-DX over SSC v2 (HTTPS); the other families speak SSC v1 over UDP only."""
SSCV2_PORT = 443
"""HTTPS's port; the documents read name no other for SSC v2."""


class Reading(Enum):
    """What a channel address means, so the mapping knows how to read its value."""

    NAME = "name"
    MUTE = "mute"
    TX_TYPE = "tx_type"
    BATTERY_PERCENT = "battery_percent"
    BATTERY_BARS = "battery_bars"
    """SL Rack ``/mates/tx1/bat_bars``: "the number of bars shown in the sRX1s' homescreen"."""
    BATTERY_LIFETIME_S = "battery_lifetime_s"
    BATTERY_STATE_TIME = "battery_state_time"
    """EM 6000 ``/rx1/skx/battery``: ``["70%","5:12"]``."""
    WARNINGS = "warnings"
    RF_QUALITY_PERCENT = "rf_quality_percent"
    """SL MCR ``/rx1/rf_quality``: "the RF quality in percentage"."""


@dataclass(frozen=True, slots=True)
class Family:
    key: str
    name: str
    models: dict[str, int]
    """Model number (upper case) -> channels."""
    channel_addresses: dict[Reading, str]
    """Address templates, ``{n}`` the channel number."""
    metering: bool = False
    """The receiver answers ``/mm`` with per-channel RF, LQI and AF (EM 6000)."""
    tx_types: tuple[str, ...] = ()
    """Names of ``device_type`` indexes where the transmitter type is a number."""

    @property
    def protocol(self) -> str:
        return f"{PROTOCOL_PREFIX}-{self.key.lower()}"

    def addresses(self, channel: int) -> dict[Reading, str]:
        return {k: v.format(n=channel) for k, v in self.channel_addresses.items()}


IDENTITY = {
    "product": "/device/identity/product",
    "serial": "/device/identity/serial",
    "version": "/device/identity/version",
}
"""TI 1094 sections 8.18-8.20 and 11.21-11.24; TI 1109 sections 8.101 and 8.103."""

SPEECHLINE_RACK = Family(
    key="SLDW",
    name="SpeechLine Digital Wireless",
    models={"SLRDW": 1, "SL-RACK-RECEIVER-DW": 1, "SLDW": 1},
    channel_addresses={
        # TI 1094 v2.2, SL Rack Receiver DW: 8.51, 8.53, 8.58, 8.59, 8.65.
        Reading.MUTE: "/rx1/mute_state",
        Reading.TX_TYPE: "/mates/tx1/device_type",
        Reading.BATTERY_BARS: "/mates/tx1/bat_bars",
        Reading.BATTERY_LIFETIME_S: "/mates/tx1/bat_lifetime",
        Reading.WARNINGS: "/mates/tx1/warnings",
    },
    tx_types=("Handheld", "Bodypack", "Tablestand", "Boundary"),
)

SPEECHLINE_MCR = Family(
    key="SLMCRDW",
    name="SpeechLine Digital Wireless Multi-Channel Receiver",
    models={"SLMCR2DW": 2, "SL-MCR-2-DW": 2, "SLMCR4DW": 4, "SL-MCR-4-DW": 4, "SLDW4CH": 4},
    channel_addresses={
        # TI 1094, SL Multi-Channel Receiver DW: 11.58, 11.62, 11.63, 11.67, 11.74, 11.76.
        Reading.NAME: "/rx{n}/name",
        Reading.MUTE: "/rx{n}/mute_state",
        Reading.RF_QUALITY_PERCENT: "/rx{n}/rf_quality",
        Reading.BATTERY_PERCENT: "/mates/tx{n}/bat_gauge",
        Reading.BATTERY_LIFETIME_S: "/mates/tx{n}/bat_lifetime",
        Reading.WARNINGS: "/rx{n}/warnings",
    },
)

DIGITAL_6000 = Family(
    key="D6000",
    name="Digital 6000",
    models={"EM6000": 2, "EM-6000": 2, "EM6000-DANTE": 2},
    channel_addresses={
        # TI 1109 v2.2, EM 6000: 8.27 (/rx1/skx/battery), 8.46 (/rx1/active_warnings),
        # 8.48 (/rx2/audio_mute, "see /rx1/audio_mute").
        Reading.MUTE: "/rx{n}/audio_mute",
        Reading.BATTERY_STATE_TIME: "/rx{n}/skx/battery",
        Reading.WARNINGS: "/rx{n}/active_warnings",
    },
    metering=True,
)

EW_DX = Family(
    key="EWDX",
    name="Evolution Wireless Digital EW-DX",
    models={
        "EWDXEM2": 2,
        "EW-DX-EM-2": 2,
        "EWDXEM2DANTE": 2,
        "EW-DX-EM-2-DANTE": 2,
        "EWDXEM4DANTE": 4,
        "EW-DX-EM-4-DANTE": 4,
    },
    channel_addresses={
        # SSC developer's guide for EW-DX (firmware 1.1.3), EM 2: 8.106, 8.107, 8.113, 8.125.
        Reading.MUTE: "/mates/tx{n}/mute",
        Reading.TX_TYPE: "/mates/tx{n}/type",
        Reading.BATTERY_PERCENT: "/mates/tx{n}/battery/gauge",
        Reading.WARNINGS: "/mates/tx{n}/warnings",
    },
)

FAMILIES = (SPEECHLINE_RACK, SPEECHLINE_MCR, DIGITAL_6000, EW_DX)


class UnknownSennheiserModelError(DeviceError):
    """The model is not a Sennheiser receiver micboard knows."""


def normalise(model: str) -> str:
    return model.strip().upper().replace(" ", "-")


def speaks_sscv2(model: str) -> bool:
    """Whether ``model`` may be read over SSC v2 (EW-DX, firmware 4.x)."""
    try:
        return family_of(model)[0] is EW_DX
    except UnknownSennheiserModelError:
        return False


def family_of(model: str) -> tuple[Family, int]:
    """The family and channel count of ``model``; raises ``UnknownSennheiserModelError``."""
    key = normalise(model)
    for family in FAMILIES:
        if key in family.models:
            return family, family.models[key]
    known = ", ".join(m for f in FAMILIES for m in f.models)
    raise UnknownSennheiserModelError(f"{model!r} is not a Sennheiser SSC model (those: {known})")
