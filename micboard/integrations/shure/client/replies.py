"""The newest raw value of everything a receiver has reported during one poll."""

from __future__ import annotations

from micboard.exceptions import ProtocolError, ValidationError
from micboard.integrations.base import ReceiverSnapshot
from micboard.integrations.shure.codec import Message, Verb, encode, unquote
from micboard.integrations.shure.families import MODELS, Family


class ReplyCollector:
    """Takes in a poll's messages (and unsolicited ones) and decides when it is complete.

    A ``GET ALL`` family's reply is over when the answer to the trailing model request
    arrives after every channel is complete (the device answers in order, so nothing is
    still in flight); other families are complete once every asked-for value arrived.
    """

    def __init__(self, family: Family, channels: int) -> None:
        if channels < 1:
            raise ValidationError(f"a receiver has at least one channel, not {channels}")
        self.family = family
        self.channels = channels
        self.device: dict[str, str] = {}
        self.channel_values: dict[int, dict[str, str]] = {n: {} for n in range(1, channels + 1)}
        self._ended = False

    def add(self, message: Message) -> None:
        """Take in one message; raises ``ProtocolError`` for ``REP ERR`` or a bad SAMPLE."""
        if message.verb is Verb.SAMPLE:
            self._add_sample(message)
        elif message.verb is Verb.REP:
            self._add_report(message)

    def missing(self) -> list[Message]:
        """The requests of this poll still without an answer (for a resend)."""
        return [
            command for command in self.family.request(self.channels) if not self._answered(command)
        ]

    @property
    def complete_channels(self) -> int:
        return sum(
            all(param in values for param in self.family.channel_params)
            for values in self.channel_values.values()
        )

    @property
    def complete(self) -> bool:
        if self.family.get_all:
            return self._ended
        return all(p in self.device for p in self.family.identity.params) and (
            self.complete_channels == self.channels
        )

    def snapshot(self) -> ReceiverSnapshot:
        """Decode everything collected; raises ``ProtocolError`` if incomplete or malformed."""
        if not self.complete:
            raise ProtocolError(f"incomplete reply ({self.progress()})")
        identity = self.family.identity
        model = self.device.get(identity.model, "") if identity.model else ""
        return ReceiverSnapshot(
            model=unquote(model) or _only_model(self.family),
            firmware=unquote(self.device.get(identity.firmware, "")),
            device_id=unquote(self.device.get(identity.device_id, "")),
            channels=tuple(
                self.family.channel_snapshot(number, values)
                for number, values in sorted(self.channel_values.items())
            ),
        )

    def progress(self) -> str:
        text = f"got {self.complete_channels} of {self.channels} channels"
        wanted = (
            [self.family.identity.model] if self.family.get_all else self.family.identity.params
        )
        absent = [p for p in wanted if p not in self.device]
        if absent:
            return f"{text}, no {', '.join(absent)}"
        if self.family.get_all and self.complete_channels == self.channels:
            return f"{text}, not the reply's end"
        return text

    def _answered(self, command: Message) -> bool:
        if command.channel in (None, 0):
            return command.param in self.device
        return command.param in self.channel_values.get(command.channel, {})

    def _add_report(self, message: Message) -> None:
        if message.param == "ERR":
            request = " ".join(_text(command) for command in self.family.request(self.channels))
            raise ProtocolError(f"answered {_text(message)} to {request}")
        key, value = self.family.report_item(message.param, message.values)
        if message.channel in (None, 0):
            if key in self.family.identity.params:
                self.device[key] = value
                if key == self.family.identity.model:
                    self._check_model(value)
                    self._ended = self.complete_channels == self.channels
        elif message.channel in self.channel_values:
            self.channel_values[message.channel][key] = value

    def _add_sample(self, message: Message) -> None:
        if message.param != "ALL":
            raise ProtocolError(f"malformed metering sample {_text(message)}")
        try:
            values = self.family.sample_values(message.values)
        except ProtocolError as error:
            raise ProtocolError(f"malformed metering sample {_text(message)}: {error}") from None
        if message.channel in self.channel_values:
            self.channel_values[message.channel].update(values)

    def _check_model(self, raw_model: str) -> None:
        model = MODELS.get(unquote(raw_model).upper())
        if model is None:
            return
        if model.family.protocol != self.family.protocol:
            raise ProtocolError(
                f"is a {model.name} ({model.family.name}), not a {self.family.name}"
            )
        if model.channels < self.channels:
            raise ProtocolError(
                f"is a {model.name} with {model.channels} channel(s), "
                f"but {self.channels} were asked for"
            )


def _only_model(family: Family) -> str:
    """A family with one model and no model parameter (PSM1000) names it itself."""
    return next(iter(family.models)) if len(family.models) == 1 else ""


def _text(message: Message) -> str:
    return encode(message).decode("latin-1")
