"""Server-sent event framing, as the HTML standard's section 9.2.6 interprets a stream.

SSC v2 subscriptions use it ("Server Sent Event (SSE)", SSC v2 draft 0.1, "Messages").

Lines end in CRLF, LF or CR; a line starting with ``:`` is a comment; ``field: value`` loses
one space after the colon; ``data`` lines are joined with LF; a blank line dispatches the
event (none when its data is empty); ``id`` without U+0000 sets the last event ID, which
carries over; ``retry`` of ASCII digits only sets the reconnection time. An event the stream
ends before dispatching is discarded.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    data: str
    event: str = "message"
    last_event_id: str = ""


class EventStreamParser:
    """Feed it decoded text as it arrives; it returns the events each piece completes."""

    def __init__(self) -> None:
        self._pending = ""
        self._data: list[str] = []
        self._type = ""
        self.last_event_id = ""
        self.retry_ms: int | None = None

    def feed(self, text: str) -> list[ServerSentEvent]:
        self._pending += text
        events: list[ServerSentEvent] = []
        while True:
            line, ending = self._next_line()
            if ending is None:
                return events
            if event := self._line(line):
                events.append(event)

    def _next_line(self) -> tuple[str, str | None]:
        text = self._pending
        for index, char in enumerate(text):
            if char in {"\n", "\r"}:
                if char == "\r" and index + 1 == len(text):
                    return "", None  # a CR at the end may be the first half of a CRLF
                width = 2 if text[index : index + 2] == "\r\n" else 1
                self._pending = text[index + width :]
                return text[:index], text[index : index + width]
        return "", None

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._type = value
        elif name == "id" and "\0" not in value:
            self.last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry_ms = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, kind = self._data, self._type
        self._data, self._type = [], ""
        if not data:
            return None
        return ServerSentEvent("\n".join(data), kind or "message", self.last_event_id)
