"""The newest raw value of everything a receiver has reported during one poll."""

from __future__ import annotations

from collections import Counter

from micboard.exceptions import ProtocolError, ValidationError
from micboard.integrations.base import ChannelSnapshot, PollDiagnostics, ReceiverSnapshot
from micboard.integrations.shure.codec import Message, Verb, encode, unquote
from micboard.integrations.shure.families import MODELS, Family, RequestForm


class ReplyCollector:
    """Takes in a poll's messages (and unsolicited ones) and decides when it is complete.

    Complete means every channel's values arrived (and, for a family asked one value at a
    time, its identity). Under the ``ALL`` form the reply is also over only once the end
    marker's answer followed the ``GET ALL`` answers, so the meters reported after the
    channel's values are not cut off. A message of the wrong shape is skipped and counted.
    """

    def __init__(self, family: Family, channels: int, form: RequestForm | None = None) -> None:
        if channels < 1:
            raise ValidationError(f"a receiver has at least one channel, not {channels}")
        self.family = family
        self.channels = channels
        self.form = form or family.request_forms[0]
        self.device: dict[str, str] = {}
        self.channel_values: dict[int, dict[str, str]] = {n: {} for n in range(1, channels + 1)}
        self.refusals = 0
        """``REP ERR`` answers so far."""
        self.skipped = 0
        self.last_skipped = ""
        self._reports: Counter[tuple[int, str, str]] = Counter()
        """Reports per (channel, parameter as sent, key kept under): a parameter reported once
        per antenna (``RSSI 1``, ``RSSI 2``) counts once per answer, not once per antenna."""
        self._marker = family.end_marker(channels)
        self._settings_asked_again = False

    def add(self, message: Message) -> None:
        """Take in one message; raises ``ProtocolError`` only for a device of another kind."""
        if message.verb is Verb.SAMPLE:
            self._add_sample(message)
        elif message.verb is Verb.REP:
            self._add_report(message)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.last_skipped = reason

    def request(self) -> list[Message]:
        """Every command of this poll's form."""
        return self.family.request(self.channels, self.form)

    def missing(self) -> list[Message]:
        """One ``GET`` for each value still without an answer (identity where required).
        Under ``PARAM``, the first time, also each setting asked for and not answered
        (before the values, as in the request); after that it is left unknown."""
        family = self.family
        device = [
            Message(Verb.GET, None, param)
            for param in family.identity.params
            if family.identity_required and param not in self.device
        ]
        if self.form is RequestForm.PARAM and not self._settings_asked_again:
            self._settings_asked_again = True
            device += [
                Message(Verb.GET, number, param)
                for number, values in self.channel_values.items()
                for param in family.settings_by_get
                if param not in values
            ]
        return device + [
            Message(Verb.GET, number, param)
            for number, values in self.channel_values.items()
            for param in family.channel_params
            if param not in values
        ]

    @property
    def complete_channels(self) -> int:
        return sum(
            all(param in values for param in self.family.channel_params)
            for values in self.channel_values.values()
        )

    @property
    def values_complete(self) -> bool:
        """Every channel value (and any required identity) arrived."""
        identity = self.family.identity.params if self.family.identity_required else ()
        return all(p in self.device for p in identity) and self.complete_channels == self.channels

    @property
    def marker_answered(self) -> bool:
        """Under ``ALL``: the end marker's answer came after the ``GET ALL`` answers (its
        value reported twice), or alone (the device ignored ``GET ALL``)."""
        number, param = self._marker.channel or 0, self._marker.param
        reported = self._answers(number, param)
        others = any(ch == number and p != param for ch, p, _ in self._reports)
        return reported >= 2 or (reported >= 1 and not others)

    def reports_of(self, command: Message) -> int:
        """How many reports of the parameter ``command`` asks for arrived so far."""
        return self._answers(command.channel or 0, command.param)

    def _answers(self, number: int, param: str) -> int:
        """Answers for ``param`` on channel ``number``: its most reported key's count."""
        counts = [n for (ch, p, _), n in self._reports.items() if ch == number and p == param]
        return max(counts, default=0)

    @property
    def answered_get_all(self) -> bool:
        """Whether any channel reported something other than the end marker's value."""
        end = (self._marker.channel, self._marker.param)
        return any((ch, p) != end for ch, p, _ in self._reports)

    @property
    def complete(self) -> bool:
        if not self.values_complete:
            return False
        return self.form is not RequestForm.ALL or self.marker_answered

    def snapshot(self, *, resent: int = 0, malformed: int = 0) -> ReceiverSnapshot:
        """Decode everything collected; raises ``ProtocolError`` if incomplete or a required
        value is malformed (a malformed meter is skipped and counted)."""
        if not self.values_complete:
            raise ProtocolError(f"incomplete reply ({self.progress()})")
        identity = self.family.identity
        model = self.device.get(identity.model, "") if identity.model else ""
        channels = tuple(self._channel(n, values) for n, values in self.channel_values.items())
        return ReceiverSnapshot(
            model=unquote(model) or _only_model(self.family),
            firmware=unquote(self.device.get(identity.firmware, "")),
            device_id=unquote(self.device.get(identity.device_id, "")),
            channels=channels,
            diagnostics=PollDiagnostics(
                skipped_messages=self.skipped + malformed,
                last_skipped=self.last_skipped,
                resent_requests=resent,
                request_form=self.form.value,
            ),
        )

    def progress(self) -> str:
        text = f"got {self.complete_channels} of {self.channels} channels"
        identity = self.family.identity.params if self.family.identity_required else ()
        absent = [p for p in identity if p not in self.device]
        if absent:
            return f"{text}, no {', '.join(absent)}"
        if self.form is RequestForm.ALL and self.complete_channels == self.channels:
            return f"{text}, not the reply's end"
        return text

    def _channel(self, number: int, values: dict[str, str]) -> ChannelSnapshot:
        """Decode a channel; a malformed optional value (a meter, an offset) is left out and
        counted, a malformed required one raises ``ProtocolError``."""
        try:
            return self.family.channel_snapshot(number, values)
        except ProtocolError as error:
            optional = [key for key in values if key not in self.family.channel_params]
            for key in optional:
                try:
                    channel = self.family.channel_snapshot(
                        number, {k: v for k, v in values.items() if k != key}
                    )
                except ProtocolError:
                    continue
                self.skip(f"channel {number} {key} {values[key]!r}: {error.message}")
                return channel
            required = {k: v for k, v in values.items() if k in self.family.channel_params}
            channel = self.family.channel_snapshot(number, required)
            self.skip(f"channel {number}, every optional value left out: {error.message}")
            return channel

    def _add_report(self, message: Message) -> None:
        if message.param == "ERR":
            self.refusals += 1
            return
        key, value = self.family.report_item(message.param, message.values)
        if message.channel in (None, 0):
            if key in self.family.identity.params:
                if key == self.family.identity.model and not unquote(value):
                    return  # a blank model is no model
                if key == self.family.identity.model:
                    self._check_model(value)
                self.device[key] = value
        elif message.channel in self.channel_values:
            self.channel_values[message.channel][key] = value
            self._reports[(message.channel, message.param, key)] += 1

    def _add_sample(self, message: Message) -> None:
        if message.param != "ALL":
            self.skip(f"malformed metering sample {_text(message)}")
            return
        try:
            values = self.family.sample_values(message.values)
        except ProtocolError as error:
            self.skip(f"malformed metering sample {_text(message)}: {error.message}")
            return
        if message.channel in self.channel_values:
            self.channel_values[message.channel].update(values)

    def _check_model(self, raw_model: str) -> None:
        name = unquote(raw_model).upper()
        model = MODELS.get(name)
        if model is None:
            protocol = self.family.protocol
            known = ", ".join(m for m, info in MODELS.items() if info.family.protocol == protocol)
            raise ProtocolError(
                f"reports model {name[:40]!r}, which is not a known {self.family.name} "
                f"receiver (known: {known}); the stored model is kept"
            )
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
