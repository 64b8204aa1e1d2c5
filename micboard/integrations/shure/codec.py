"""Framing and message codec for Shure command strings (``< REP 1 CHAN_NAME {HH01 Lead} >``).

Messages carry no newline: a stream is cut into frames on the delimiters, one read may
hold many frames and a frame may span reads. The delimiters are parameters so the UHF-R
``* ... *`` framing reuses the same decoder. Bytes are read as Latin-1, which maps every
byte to one character, so decoding never fails on an encoding error.
"""

from __future__ import annotations

import enum
import re
from collections import deque
from dataclasses import dataclass, field

from micboard.exceptions import ProtocolError

MAX_FRAME_BYTES = 4096
MAX_CHANNEL_DIGITS = 3
_WHITESPACE = b" \t\r\n"
_BODY = re.compile(r"[ \t\r\n]*(?:(?:\{[^{}]*\}|[^ \t\r\n{}]+)(?:[ \t\r\n]+|\Z))*")
_TOKEN = re.compile(r"\{[^{}]*\}|[^ \t\r\n{}]+")
_PARAM = re.compile(r"[A-Z][A-Z0-9_]*")
_NOT_PLAIN = re.compile(r"[{}\t\r\n]")


@dataclass(frozen=True, slots=True)
class Framing:
    """The bytes that open and close one message."""

    open: bytes
    close: bytes
    _reserved: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.open) != 1 or len(self.close) != 1:
            raise ValueError("frame delimiters are single bytes")
        # Built once: every value of every decoded message is checked against it.
        reserved = frozenset("{}" + self.open.decode("latin-1") + self.close.decode("latin-1"))
        object.__setattr__(self, "_reserved", reserved)

    @property
    def reserved(self) -> frozenset[str]:
        """Characters that may not appear inside a value."""
        return self._reserved


ANGLE_FRAMING = Framing(b"<", b">")
STAR_FRAMING = Framing(b"*", b"*")


class Verb(enum.StrEnum):
    GET = "GET"
    SET = "SET"
    REP = "REP"
    SAMPLE = "SAMPLE"
    METER = "METER"
    """UHF-R only: ``* METER n ALL 003 *`` starts metering, ``* METER n ALL STOP *`` ends it."""


_VERB_ALIASES = {"REPORT": Verb.REP}
# Each spelling to its verb: a dictionary lookup per frame, not an enum call.
_VERBS = {verb.value: verb for verb in Verb} | _VERB_ALIASES


@dataclass(frozen=True, slots=True)
class Message:
    """One command string. ``channel`` is ``None`` when the frame names no channel.

    Values are kept raw: a brace-quoted string such as ``{HH01 Lead  }`` is one value,
    braces and padding included; :func:`unquote` strips them.
    """

    verb: Verb
    channel: int | None
    param: str
    values: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        """The single value of a REP or SET; raises ``ProtocolError`` unless there is one."""
        if len(self.values) != 1:
            raise ProtocolError(
                f"{self.verb} {self.param} carries {len(self.values)} values, expected one"
            )
        return self.values[0]


def quote(text: str, width: int = 0) -> str:
    """Brace-quote a string value, padded with spaces to ``width`` characters."""
    return "{" + text.ljust(width) + "}"


def unquote(raw: str) -> str:
    """Strip the braces and padding of a string value (bare values are only stripped)."""
    if len(raw) >= 2 and raw[0] == "{" and raw[-1] == "}":
        raw = raw[1:-1]
    return raw.strip(" ")


def encode(
    message: Message, framing: Framing = ANGLE_FRAMING, *, report_word: str = "REP"
) -> bytes:
    """Frame one message; raises ``ProtocolError`` for a message the protocol cannot carry.

    ``report_word`` is how the family spells a report: ``REP``, or ``REPORT`` on UHF-R and
    PSM1000 (decoding accepts both).
    """
    if message.channel is not None and not 0 <= message.channel < 10**MAX_CHANNEL_DIGITS:
        raise ProtocolError(f"channel {message.channel} is out of range")
    if not _PARAM.fullmatch(message.param):
        raise ProtocolError(f"parameter {message.param!r} is not an upper-case name")
    for value in message.values:
        _check_value(value, framing)
    tokens = [report_word if message.verb is Verb.REP else message.verb.value]
    if message.channel is not None:
        tokens.append(str(message.channel))
    tokens.append(message.param)
    tokens.extend(message.values)
    body = " ".join(tokens)
    return framing.open + b" " + body.encode("latin-1") + b" " + framing.close


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one family writes its messages: framing, report word, bytes after each message."""

    framing: Framing = ANGLE_FRAMING
    report_word: str = "REP"
    terminator: bytes = b""

    def encode(self, message: Message) -> bytes:
        return encode(message, self.framing, report_word=self.report_word) + self.terminator


def decode(frame: bytes, framing: Framing = ANGLE_FRAMING) -> Message:
    """Parse exactly one framed message (surrounding whitespace allowed)."""
    frame = frame.strip(_WHITESPACE)
    if len(frame) < 2 or frame[:1] != framing.open or frame[-1:] != framing.close:
        raise ProtocolError(f"not one framed message: {_preview(frame)}")
    return parse_body(frame[1:-1], framing)


def parse_body(body: bytes, framing: Framing = ANGLE_FRAMING) -> Message:
    """Parse the text between the delimiters; raises ``ProtocolError`` when malformed."""
    text = body.decode("latin-1")
    if _NOT_PLAIN.search(text) is None:
        # Most frames: no braces, no whitespace but spaces. The tokens are then what the
        # spaces separate, and the body is well formed by construction.
        tokens = [token for token in text.split(" ") if token]
        plain = True
    else:
        if _BODY.fullmatch(text) is None:
            raise ProtocolError(f"unbalanced braces or stray characters in {_preview(body)}")
        tokens = _TOKEN.findall(text)
        plain = False
    if not tokens:
        raise ProtocolError("empty frame")
    verb = _parse_verb(tokens[0], body)
    position = 1
    channel: int | None = None
    if position < len(tokens) and tokens[position].isascii() and tokens[position].isdigit():
        if len(tokens[position]) > MAX_CHANNEL_DIGITS:
            raise ProtocolError(f"channel number too long in {_preview(body)}")
        channel = int(tokens[position])
        position += 1
    if position >= len(tokens) or not _PARAM.fullmatch(tokens[position]):
        raise ProtocolError(f"missing or malformed parameter in {_preview(body)}")
    values = tuple(tokens[position + 1 :])
    reserved = framing.reserved
    for value in values:
        # A plain token is a non-empty bare word: only its characters need a look.
        if not plain or not value.isprintable() or not reserved.isdisjoint(value):
            _check_value(value, framing)
    return Message(verb, channel, tokens[position], values)


class FrameDecoder:
    """Reassembles a byte stream into messages.

    Bytes outside frames are skipped (whitespace silently, anything else counted in
    ``discarded_bytes``). A frame that does not parse, that is cut short by a new opening
    delimiter, or that grows past ``max_frame_bytes`` without closing is dropped: its
    bytes count as discarded, ``malformed_frames`` goes up and its ``ProtocolError`` joins
    ``errors`` (the most recent few). The messages around it are never lost.
    """

    def __init__(
        self, framing: Framing = ANGLE_FRAMING, *, max_frame_bytes: int = MAX_FRAME_BYTES
    ) -> None:
        self.framing = framing
        self.max_frame_bytes = max_frame_bytes
        self.discarded_bytes = 0
        self.malformed_frames = 0
        self.messages_decoded = 0
        self.errors: deque[ProtocolError] = deque(maxlen=8)
        # Holds at most one unfinished frame, starting at its opening delimiter.
        self._buffer = bytearray()
        self._skipping_overlong = False

    def flush(self) -> None:
        """Drop an unfinished frame: a datagram ended, nothing more of it will come."""
        if self._buffer:
            self._drop(self._buffer, "frame cut short")
        self._buffer.clear()
        self._skipping_overlong = False

    @property
    def buffered_bytes(self) -> int:
        """Bytes held for an unfinished frame (never much over ``max_frame_bytes``)."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Message]:
        """Messages completed by ``data``; malformed frames are recorded, not raised."""
        return [item for item in self.feed_with_errors(data) if isinstance(item, Message)]

    def feed_with_errors(self, data: bytes) -> list[Message | ProtocolError]:
        """Like :meth:`feed`, with each dropped frame's error in stream order."""
        self._buffer += data
        items: list[Message | ProtocolError] = []
        position = 0
        while position < len(self._buffer):
            if self._skipping_overlong:
                position = self._skip_overlong_tail(position)
                continue
            start = self._buffer.find(self.framing.open, position)
            if start != position:  # back to back frames leave nothing between them
                self._skip_between_frames(self._buffer[position : start if start >= 0 else None])
            if start < 0:
                position = len(self._buffer)
                break
            position, item = self._take_frame(start)
            if position == start:
                break
            if item is not None:
                items.append(item)
        del self._buffer[:position]
        if len(self._buffer) > self.max_frame_bytes:
            items.append(self._drop(self._buffer, "frame too long"))
            self._buffer.clear()
            self._skipping_overlong = True
        return items

    def _take_frame(self, start: int) -> tuple[int, Message | ProtocolError | None]:
        """Handle the frame opening at ``start``; returns ``start`` itself while incomplete."""
        open_, close_ = self.framing.open, self.framing.close
        close = self._buffer.find(close_, start + 1)
        if open_ != close_:
            reopen = self._buffer.find(open_, start + 1)
            if reopen >= 0 and (close < 0 or reopen < close):
                return reopen, self._drop(self._buffer[start:reopen], "frame cut short")
        if close < 0:
            return start, None
        if close - start >= self.max_frame_bytes:
            return close + 1, self._drop(self._buffer[start : close + 1], "frame too long")
        body = bytes(self._buffer[start + 1 : close])
        if open_ == close_ and not body.strip(_WHITESPACE):
            # ``* *`` means the symmetric framing lost step: the second ``*`` opens a frame.
            self._discard(open_)
            return close, None
        try:
            message = parse_body(body, self.framing)
        except ProtocolError as error:
            self._discard(self._buffer[start : close + 1])
            return close + 1, self._record(error)
        self.messages_decoded += 1
        return close + 1, message

    def _skip_overlong_tail(self, position: int) -> int:
        """Skip the rest of a dropped over-long frame, through its closing delimiter."""
        end = self._buffer.find(self.framing.close, position)
        if end >= 0:
            end += 1
        if self.framing.open != self.framing.close:
            reopen = self._buffer.find(self.framing.open, position)
            if reopen >= 0 and (end < 0 or reopen < end):
                end = reopen
        if end < 0:
            end = len(self._buffer)
        else:
            self._skipping_overlong = False
        self._discard(self._buffer[position:end])
        return end

    def _drop(self, frame: bytes | bytearray, reason: str) -> ProtocolError:
        self._discard(frame)
        return self._record(ProtocolError(f"{reason}: {_preview(frame)}"))

    def _record(self, error: ProtocolError) -> ProtocolError:
        self.malformed_frames += 1
        self.errors.append(error)
        return error

    def _discard(self, dropped: bytes | bytearray) -> None:
        self.discarded_bytes += len(dropped)

    def _skip_between_frames(self, skipped: bytes | bytearray) -> None:
        """Whitespace between frames is allowed; anything else there is garbage."""
        self._discard(skipped.translate(None, _WHITESPACE))


def _parse_verb(token: str, body: bytes) -> Verb:
    verb = _VERBS.get(token)
    if verb is None:
        raise ProtocolError(f"unknown verb {token[:20]!r} in {_preview(body)}")
    return verb


def _check_value(value: str, framing: Framing) -> None:
    """A value is a bare word, or any printable text in braces; never a delimiter."""
    quoted = len(value) >= 2 and value[0] == "{" and value[-1] == "}"
    inner = value[1:-1] if quoted else value
    if not quoted and (not value or " " in value):
        raise ProtocolError(f"value {value[:40]!r} is empty or has spaces but no braces")
    if not inner.isprintable() or not framing.reserved.isdisjoint(inner):
        raise ProtocolError(f"value {value[:40]!r} has characters the protocol cannot carry")


def _preview(raw: bytes | bytearray) -> str:
    text = bytes(raw[:60]).decode("latin-1")
    return ascii(text + ("..." if len(raw) > 60 else ""))
