"""PSM1000 (P10T): an in-ear monitor transmitter, ``< ... >`` over TCP 2202.

It answers ``REPORT``, sends bare (unbraced) values and ends each message with CRLF. It
has no ``GET ALL``: each value is asked for on its own. There is no battery and no RF
reading (it transmits); while metering it pushes ``AUDIO_IN_LVL_L`` and ``_R``, linear
input levels read as an 8-LED ladder. The device names itself with ``DEVICE_NAME``.
Forms from Shure's PSM1000 command strings; what they leave open is in
docs/protocols/shure.md.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping

from micboard.exceptions import ProtocolError
from micboard.integrations.base import ChannelSnapshot
from micboard.integrations.shure.codec import ANGLE_FRAMING, Dialect, Message, Verb
from micboard.integrations.shure.families.base import Family, Identity
from micboard.integrations.shure.families.meters import (
    LED_STEPS,
    audio_from_leds,
    leds_from_audio,
)
from micboard.integrations.shure.values import (
    format_frequency_khz,
    in_range,
    optional,
    parse_channel_name,
    parse_int,
    required,
)

MODEL = "P10T"
LADDER = (10272, 23728, 85488, 246260, 641928, 1588744, 2157767, 2502970)
"""Lowest input level that lights each LED of the transmitter's meter."""
METER_PARAMS = ("AUDIO_IN_LVL_L", "AUDIO_IN_LVL_R")
FREQUENCY_DIGITS = (6, 11)
MAX_FREQUENCY_KHZ = 999_999
NO_GROUP_CHANNEL = "--,--"
"""``GROUP_CHAN gg,cc``; this when the frequency is in no group."""


class PsmFamily(Family):
    key = "PSM1000"
    name = "PSM1000"
    protocol = "shure-psm1000"
    models = {MODEL: 2}
    dialect = Dialect(ANGLE_FRAMING, report_word="REPORT", terminator=b"\r\n")
    identity = Identity(model="", firmware="", device_id="DEVICE_NAME")
    channel_params = ("CHAN_NAME", "FREQUENCY")
    get_all = False
    name_width = 8
    has_battery = False
    has_runtime = False
    meter_params = METER_PARAMS

    def device_reports(
        self, *, model: str, firmware: str, device_id: str, rf_band: str
    ) -> dict[str, str]:
        return {"DEVICE_NAME": device_id[: self.name_width]}

    def channel_snapshot(self, number: int, raw: Mapping[str, str]) -> ChannelSnapshot:
        levels = [optional(raw, param, parse_input_level) for param in METER_PARAMS]
        loudest = max((level for level in levels if level is not None), default=None)
        leds = None if loudest is None else bisect.bisect_right(LADDER, loudest)
        return ChannelSnapshot(
            number=number,
            name=parse_channel_name(required(raw, "CHAN_NAME")),
            frequency_khz=parse_frequency(required(raw, "FREQUENCY")),
            audio_level=None if leds is None else audio_from_leds(leds),
            audio_peak=leds == LED_STEPS,
            has_battery=False,
        )

    def sample_values(self, values: tuple[str, ...]) -> dict[str, str]:
        return {}  # PSM1000 meters with REPORTs, never a SAMPLE

    def channel_reports(self, channel: ChannelSnapshot) -> dict[str, str]:
        return {
            "CHAN_NAME": channel.name[: self.name_width],
            "FREQUENCY": format_frequency_khz(channel.frequency_khz),
            "GROUP_CHAN": NO_GROUP_CHANNEL,
            "RF_TX_LVL": "50",
            "RF_MUTE": "0",
            **self._levels(channel),
        }

    def meter_messages(self, channel: ChannelSnapshot) -> list[Message]:
        return [
            Message(Verb.REP, channel.number, param, (value,))
            for param, value in self._levels(channel).items()
        ]

    @staticmethod
    def _levels(channel: ChannelSnapshot) -> dict[str, str]:
        leds = leds_from_audio(channel.audio_level or 0)
        level = LADDER[leds - 1] if leds else 0
        return dict.fromkeys(METER_PARAMS, f"{level:011d}")


def parse_frequency(raw: str) -> int | None:
    """``FREQUENCY`` in kHz: six digits in the document's example (``578000``), up to eleven
    in its placeholder; ``0`` is none. Anything at or above 1 GHz is not a PSM1000 frequency."""
    if not FREQUENCY_DIGITS[0] <= len(raw) <= FREQUENCY_DIGITS[1]:
        raise ProtocolError(f"FREQUENCY {raw!r} is not 6-11 digits of kHz")
    khz = parse_int("FREQUENCY", raw, max_digits=FREQUENCY_DIGITS[1])
    return in_range("FREQUENCY", khz, 0, MAX_FREQUENCY_KHZ) or None


def parse_input_level(raw: str) -> int:
    return parse_int("AUDIO_IN_LVL", raw, max_digits=11)
