"""The event-stream parser against the HTML standard's own examples (section 9.2.6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from micboard.integrations.sennheiser.sscv2.sse import EventStreamParser

FIXTURE = Path(__file__).parent / "sse_framing.yaml"
STREAMS: list[dict[str, Any]] = yaml.safe_load(FIXTURE.read_text())["streams"]


def _fired(parser: EventStreamParser, pieces: list[str]) -> list[dict[str, str]]:
    events = [event for piece in pieces for event in parser.feed(piece)]
    return [{"data": e.data, "last_event_id": e.last_event_id} for e in events]


@pytest.mark.parametrize("case", STREAMS, ids=[c["section"] for c in STREAMS])
def test_the_documented_streams_fire_the_documented_events(case: dict[str, Any]) -> None:
    assert _fired(EventStreamParser(), [case["stream"]]) == case["events"]


@pytest.mark.parametrize("case", STREAMS, ids=[c["section"] for c in STREAMS])
def test_a_stream_split_anywhere_fires_the_same(case: dict[str, Any]) -> None:
    stream = case["stream"].replace("\n", "\r\n")  # CRLF, split between CR and LF too
    pieces = [stream[i : i + 3] for i in range(0, len(stream), 3)]
    assert _fired(EventStreamParser(), pieces) == case["events"]


def test_event_type_and_retry() -> None:
    parser = EventStreamParser()
    events = parser.feed("event: change\nretry: 2500\nretry: 1a\ndata: {}\n\n")
    assert [(e.event, e.data) for e in events] == [("change", "{}")]
    assert parser.retry_ms == 2500
