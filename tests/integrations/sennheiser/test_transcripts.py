"""Exchanges copied by hand from Sennheiser's SSC guides, decoded and sent to the simulator.

Every string in ``transcripts/`` is a guide's own, with its section; none comes from our
encoder. Fixture format, one YAML file per family (the loader refuses other keys)::

    family: SLDW               # a family key as in FAMILIES
    model: SLRDW               # the model the simulator plays
    document: {title, publisher, version, url}
    exchanges:
      - section: 8.58 /mates/tx1/bat_lifetime   # the guide's section (required)
        source: "..."          # optional: where the entry was read, when not the document
        note: "..."            # optional: what the guide says the value means
        send: '{"...":null}'   # optional: a request as printed
        receive: ['{...}']     # replies as printed, one datagram each
        channel: 2             # optional: the channel ``means`` speaks of (default 1)
        means: {runtime_minutes: 215}  # ChannelSnapshot fields, or model/firmware/device_id
        errors: {/brightness: 310}     # optional: the error codes the reply carries
        rejected: true         # optional: the printed reply is not valid JSON; decoding refuses
        simulate: false        # optional: the simulator answers in another form (see note)

Decoding: each ``receive`` goes through the client's poll as if the receiver sent it and the
snapshot must mean ``means``. Simulator: each ``send`` goes as one datagram over UDP to a
simulated receiver; every reply must have the printed form: the same addresses with values
of the same JSON types. A subscription is first echoed, then answered (section 5).
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from micboard.integrations.sennheiser.client import SscPoll
from micboard.integrations.sennheiser.codec import SscDecodeError, decode_reply, parse_path
from micboard.integrations.sennheiser.families import FAMILIES, family_of
from micboard.integrations.sennheiser.simulator.receiver import SimulatedReceiver

HERE = Path(__file__).parent / "transcripts"
FILE_KEYS = {"family", "model", "document", "exchanges"}
EXCHANGE_KEYS = {
    "section",
    "source",
    "note",
    "send",
    "receive",
    "channel",
    "means",
    "errors",
    "rejected",
    "simulate",
}
IDENTITY_FIELDS = {"model", "firmware", "device_id"}
RENAMED = {"mute": "muted"}
LISTS = {"warnings", "rf_levels"}


def _load() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        assert set(data) <= FILE_KEYS, f"{path.name}: unknown keys {set(data) - FILE_KEYS}"
        for index, exchange in enumerate(data["exchanges"]):
            unknown = set(exchange) - EXCHANGE_KEYS
            assert not unknown, f"{path.name} #{index}: unknown keys {unknown}"
            cases.append((f"{path.stem}-{index}", data, exchange))
    return cases


CASES = _load()


def test_every_family_has_transcripts() -> None:
    assert {data["family"] for _, data, _ in CASES} == {f.key for f in FAMILIES}


@pytest.mark.parametrize(("case", "data", "exchange"), CASES, ids=[c[0] for c in CASES])
def test_the_client_reads_the_documented_replies(
    case: str, data: dict[str, Any], exchange: dict[str, Any]
) -> None:
    family, channels = family_of(data["model"])
    assert family.key == data["family"]
    for text in exchange.get("receive", []):
        if exchange.get("rejected"):
            with pytest.raises(SscDecodeError):
                decode_reply(text.encode())
            continue
        reply = decode_reply(text.encode())
        expected_errors = {parse_path(k): v for k, v in exchange.get("errors", {}).items()}
        assert reply.errors == expected_errors
        poll = SscPoll(family, channels)
        poll.take(text.encode())
        assert poll.skipped == 0
        snapshot = poll.snapshot()
        channel = snapshot.channels[exchange.get("channel", 1) - 1]
        for key, value in exchange.get("means", {}).items():
            source = snapshot if key in IDENTITY_FIELDS else channel
            got = getattr(source, RENAMED.get(key, key))
            assert (list(got) if key in LISTS else got) == value, f"{case}: {key}"


SENT = [c for c in CASES if "send" in c[2] and c[2].get("simulate", True)]


@pytest.mark.parametrize(("case", "data", "exchange"), SENT, ids=[c[0] for c in SENT])
def test_the_simulator_answers_in_the_documented_form(
    case: str, data: dict[str, Any], exchange: dict[str, Any]
) -> None:
    family, channels = family_of(data["model"])
    request = exchange["send"].encode()
    subscription = "subscribe" in exchange["send"]
    expected = len(exchange["receive"]) + (1 if subscription else 0)
    receiver = SimulatedReceiver(family, channels, port=0).start()
    try:
        replies = _exchange(receiver.port, request, expected)
    finally:
        receiver.stop()
    if subscription:
        assert json.loads(replies.pop(0)) == json.loads(request), "the request is echoed"
    for reply, printed in zip(replies, exchange["receive"], strict=True):
        assert _same_form(json.loads(reply), json.loads(printed)), f"{case}: {reply!r}"


def _exchange(port: int, request: bytes, expected: int) -> list[bytes]:
    replies: list[bytes] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(request, ("127.0.0.1", port))
        deadline = time.monotonic() + 5
        while len(replies) < expected and (wait := deadline - time.monotonic()) > 0:
            sock.settimeout(wait)
            replies.append(sock.recvfrom(8192)[0])
        sock.settimeout(0.2)  # nothing more may follow
        with pytest.raises(TimeoutError):
            sock.recvfrom(8192)
    assert len(replies) == expected
    return replies


def _same_form(answer: object, printed: object) -> bool:
    """The same addresses and the same JSON type of each value (list items: the first)."""
    if isinstance(printed, dict):
        return (
            isinstance(answer, dict)
            and answer.keys() == printed.keys()
            and all(_same_form(answer[key], value) for key, value in printed.items())
        )
    if isinstance(printed, list):
        return isinstance(answer, list) and (
            not answer or not printed or _same_form(answer[0], printed[0])
        )
    return type(answer) is type(printed)
