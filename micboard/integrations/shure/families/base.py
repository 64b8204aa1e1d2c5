"""What a Shure family is to the driver and the simulator: the shared contract.

A family turns its wire values into a :class:`ChannelSnapshot` (client side) and a
snapshot back into wire values (simulator side), so one module holds each family's
protocol knowledge and both sides share it.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from micboard.exceptions import DeviceError, ProtocolError
from micboard.integrations.base import ChannelSnapshot
from micboard.integrations.shure.codec import ANGLE_FRAMING, Dialect, Message, Verb, quote

DEVICE_VALUE_WIDTH = 31


class Transport(enum.Enum):
    TCP = "tcp"
    UDP = "udp"


class RequestForm(enum.StrEnum):
    """How one poll asks for a receiver's values (see ADR 0021)."""

    ALL = "all"
    """``GET n ALL`` for every channel, then one single ``GET`` whose answer ends the reply."""
    PARAM = "param"
    """One ``GET`` per value: for families without ``GET ALL``, and devices that ignore it."""


class UnknownModelError(DeviceError):
    """The receiver model is not one this driver knows."""

    code = "unknown_model"


@dataclass(frozen=True, slots=True)
class Identity:
    """The device parameters that carry model, firmware and device ID ("" if none)."""

    model: str = "MODEL"
    firmware: str = "FW_VER"
    device_id: str = "DEVICE_ID"

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(p for p in (self.model, self.firmware, self.device_id) if p)


class Family(abc.ABC):
    """One Shure product family: its models, transport, dialect and value encodings."""

    key: ClassVar[str]
    """The family's id, as receivers store it (``AD``)."""
    name: ClassVar[str]
    """What people call it (``Axient Digital``)."""
    protocol: ClassVar[str]
    """The driver protocol name a receiver of this family is registered with."""
    models: ClassVar[Mapping[str, int]]
    """Model name -> number of channels."""
    transport: ClassVar[Transport] = Transport.TCP
    dialect: ClassVar[Dialect] = Dialect(ANGLE_FRAMING)
    identity: ClassVar[Identity] = Identity()
    channel_params: ClassVar[tuple[str, ...]]
    """The reported values every channel must have for a complete snapshot."""
    get_all: ClassVar[bool] = True
    """``GET n ALL`` reports a channel and the device; otherwise each value on its own."""
    name_width: ClassVar[int] = 31
    set_frequency_digits: ClassVar[int | None] = None
    """How many digits of kHz a ``SET n FREQUENCY`` takes (``None``: not simulated)."""
    has_battery: ClassVar[bool] = True
    has_runtime: ClassVar[bool] = True
    """Whether the transmitter reports its remaining runtime."""
    meter_params: ClassVar[tuple[str, ...]] = ()
    """Reported values that are meters: pushed at the meter rate, never as changes."""
    meters_by_get: ClassVar[tuple[str, ...]] = ()
    """Meters the family's document lets a ``GET`` ask for, asked in the ``PARAM`` form."""
    settings_by_get: ClassVar[tuple[str, ...]] = ()
    """Channel settings ``GET n ALL`` reports and a ``GET`` asks for alone (``AUDIO_GAIN``):
    asked in the ``PARAM`` form, never required; one not answered is left unknown."""

    @property
    def request_forms(self) -> tuple[RequestForm, ...]:
        """The forms a poll may use, the one to try first leading."""
        return (RequestForm.ALL, RequestForm.PARAM) if self.get_all else (RequestForm.PARAM,)

    @property
    def identity_required(self) -> bool:
        """Whether a reply is incomplete without identity: only where each value is asked
        for on its own by design; a ``GET ALL`` device may send no ``MODEL`` at all."""
        return not self.get_all

    def request(self, channels: int, form: RequestForm | None = None) -> list[Message]:
        """The commands of one poll, in order. ``ALL``: ``GET n ALL`` per channel (each
        answer carries the device's properties too) and the end marker; ``PARAM``: the
        identity, each channel's meters and settings that a ``GET`` answers (before the
        values, so they are in when the last value completes the reply), then every
        channel value."""
        if (form or self.request_forms[0]) is RequestForm.ALL:
            per_channel = [Message(Verb.GET, n, "ALL") for n in range(1, channels + 1)]
            return [*per_channel, self.end_marker(channels)]
        device = [Message(Verb.GET, None, param) for param in self.identity.params]
        meters = [
            Message(Verb.GET, number, param)
            for number in range(1, channels + 1)
            for param in (*self.meters_by_get, *self.settings_by_get)
        ]
        values = [
            Message(Verb.GET, number, param)
            for number in range(1, channels + 1)
            for param in self.channel_params
        ]
        return device + meters + values

    def end_marker(self, channels: int) -> Message:
        """A single ``GET`` sent after the ``GET ALL`` requests: answered in order, its report
        comes after theirs, and alone it shows the device ignored them."""
        return Message(Verb.GET, channels, self.channel_params[-1])

    def report_item(self, param: str, values: tuple[str, ...]) -> tuple[str, str]:
        """The key and raw value a ``REP`` is kept under (multi-word values joined)."""
        return param, " ".join(values)

    def device_reports(
        self, *, model: str, firmware: str, device_id: str, rf_band: str
    ) -> dict[str, str]:
        """What ``GET n ALL`` (or one ``GET``) reports about the device (simulator)."""
        values = zip(self.identity_fields, (model, firmware, device_id), strict=True)
        reports = {param: quote(value, DEVICE_VALUE_WIDTH) for param, value in values if param}
        return {**reports, "RF_BAND": rf_band}

    @property
    def identity_fields(self) -> tuple[str, str, str]:
        return (self.identity.model, self.identity.firmware, self.identity.device_id)

    def report_message(self, number: int | None, key: str, value: str) -> Message:
        """The ``REP`` for a kept value: the inverse of :meth:`report_item` (simulator)."""
        param, *index = key.split(" ")
        values = (value,) if value.startswith("{") else tuple(value.split(" "))
        return Message(Verb.REP, number, param, (*index, *values))

    @abc.abstractmethod
    def channel_snapshot(self, number: int, raw: Mapping[str, str]) -> ChannelSnapshot:
        """Decode one channel's newest raw values; raises ``ProtocolError``."""

    @abc.abstractmethod
    def sample_values(self, values: tuple[str, ...]) -> dict[str, str]:
        """The raw values a ``SAMPLE n ALL`` carries, by key; raises ``ProtocolError``."""

    @abc.abstractmethod
    def channel_reports(self, channel: ChannelSnapshot) -> dict[str, str]:
        """Every value ``GET n ALL`` reports for a channel, in report order (simulator)."""

    @abc.abstractmethod
    def meter_messages(self, channel: ChannelSnapshot) -> list[Message]:
        """What one metering tick sends for a channel (simulator)."""


def expect_count(name: str, values: tuple[str, ...], count: int) -> None:
    if len(values) != count:
        raise ProtocolError(f"{name} carries {len(values)} values, expected {count}")
