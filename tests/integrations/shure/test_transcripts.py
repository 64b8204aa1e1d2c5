"""Exchanges copied by hand from Shure's documents, decoded and sent to the simulator.

Each documented reply is decoded by the client's codec; each documented command goes to
the simulator over a real socket. Devices are the judge: a codec and a simulator that share
one set of assumptions agree with each other and prove nothing. So no fixture here comes
from our encoder; every string is a vendor document's own, with the section it comes from.

Fixture format: one YAML file per family in ``transcripts/`` (``slxd.yaml``...)::

    family: SLX-D            # a family name as in FAMILIES
    model: SLXD4D            # the model the simulator plays for the socket checks
    document: {title, publisher, version, url}
    padding: "y"             # optional: the document prints padding spaces as this letter
    exchanges:
      - section: FREQUENCY   # the document's section (required)
        send: "< GET 1 FREQUENCY >"            # optional: a command as printed
        receive: ["< REP 1 FREQUENCY 0578350 >"]  # optional: replies as printed, in order
        filled: "< REP x FREQUENCY yyyyyyy >"  # optional: the template ``receive`` fills in
        note: "..."          # optional: what the document says the value means
        means: {frequency_khz: 578350}         # optional: what micboard must read
        choices: [SLXD1, SLXD2, UNKNOWN]       # optional: the words a reply may carry
        includes: [MODEL, CHAN_NAME]           # with send: parameters the reply must carry
        then: "< SAMPLE 1 ALL 102 102 086 >"   # optional: a message of this form follows

``means`` keys are ``ChannelSnapshot`` fields (``name``, ``frequency_khz``,
``battery_bars``, ``runtime_minutes``, ``tx_type``, ``tx_offset_db``, ``rf_level``,
``audio_level``, ``antenna``, ``audio_peak``), device values (``model``, ``firmware``,
``device_id``, ``rf_band``) or values micboard checks but has no column for
(``audio_gain_db``, ``group_channel``). A padded value is printed with the padding letter
(``{G55yyyyy}``): inside braces, a trailing run of it is spaces on the wire.

Decoding: each ``receive`` is framed and decoded as the client does and, on top of the
file's first value of each required channel parameter, must mean ``means``. Simulator:
each ``send`` goes over TCP with CR LF after it; every reply must have the document's form
(verb, channel, parameter, index; digits of the same width; braces padded to the same
width; one of ``choices``), and the reply to a ``SET`` must be the documented one exactly.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from micboard.integrations.base import ChannelSnapshot
from micboard.integrations.shure.codec import FrameDecoder, Message, Verb, unquote
from micboard.integrations.shure.families import FAMILIES, Family, receiver_model
from micboard.integrations.shure.simulator import SimulatedReceiver
from micboard.integrations.shure.values import parse_audio_gain_db, parse_group_channel
from tests.conftest import StartFleet
from tests.integrations.shure.test_simulator import RawClient

TRANSCRIPTS = Path(__file__).parent / "transcripts"
SNAPSHOT_FIELDS = frozenset(ChannelSnapshot.__dataclass_fields__) - {"number", "has_battery"}
DEVICE_FIELDS = {
    "model": "MODEL",
    "firmware": "FW_VER",
    "device_id": "DEVICE_ID",
    "rf_band": "RF_BAND",
}
WORD = re.compile(r"[A-Z][A-Z0-9+]*")
REPLY_TIMEOUT = 3.0


@dataclass(frozen=True)
class Exchange:
    file: str
    family: Family
    model: str
    padding: str
    section: str
    send: str = ""
    receive: tuple[str, ...] = ()
    means: dict[str, Any] = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    then: str = ""
    baseline: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.file}:{self.section}:{self.send or self.receive[0]}"

    def wire(self, printed: str) -> bytes:
        """The bytes a device sends for a string as the document prints it."""
        if self.padding:
            letter = re.escape(self.padding)
            printed = re.sub(
                r"\{([^{}]*?)(" + letter + r"+)\}",
                lambda m: "{" + m[1] + " " * len(m[2]) + "}",
                printed,
            )
        return printed.encode("ascii")

    def decode(self, printed: str) -> list[Message]:
        decoder = FrameDecoder(self.family.dialect.framing)
        messages = decoder.feed(self.wire(printed))
        assert decoder.malformed_frames == 0, list(decoder.errors)
        return messages


def load_exchanges() -> list[Exchange]:
    families = {family.name: family for family in FAMILIES}
    exchanges = []
    for path in sorted(TRANSCRIPTS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert {"title", "publisher", "url"} <= set(data["document"]), path.name
        family = families[data["family"]]
        common = {"file": path.name, "family": family, "model": data["model"]}
        common["padding"] = data.get("padding", "")
        found = [Exchange(**common, **_fields(item)) for item in data["exchanges"]]
        baseline = _baseline(found)
        exchanges += [dataclasses.replace(e, baseline=baseline) for e in found]
    return exchanges


CHECKED = {"section", "send", "receive", "means", "choices", "includes", "then"}
DESCRIPTIVE = {"filled", "note"}


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    unknown = set(item) - CHECKED - DESCRIPTIVE
    assert not unknown, f"unknown keys {sorted(unknown)} in {item}"
    fields = {key: value for key, value in item.items() if key in CHECKED}
    for key in ("receive", "choices", "includes"):
        if key in fields:
            fields[key] = tuple(fields[key])
    return fields


def _baseline(exchanges: list[Exchange]) -> dict[str, str]:
    """The file's first value of each required channel parameter: a complete channel."""
    baseline: dict[str, str] = {}
    for exchange in exchanges:
        for printed in exchange.receive:
            for message in exchange.decode(printed):
                key, value = _item(exchange.family, message)
                if key in exchange.family.channel_params and message.channel:
                    baseline.setdefault(key, value)
    return baseline


def _item(family: Family, message: Message) -> tuple[str, str]:
    return family.report_item(message.param, message.values)


EXCHANGES = load_exchanges()


def test_every_family_of_this_suite_has_a_transcript() -> None:
    assert {e.family.name for e in EXCHANGES} >= {"SLX-D", "ULX-D", "QLX-D"}
    assert all(e.section for e in EXCHANGES)


@pytest.mark.parametrize(
    "exchange", [e for e in EXCHANGES if e.receive and e.means], ids=lambda e: e.id
)
def test_the_client_reads_what_the_document_means(exchange: Exchange) -> None:
    family = exchange.family
    channel: dict[str, str] = dict(exchange.baseline)
    device: dict[str, str] = {}
    for printed in exchange.receive:
        for message in exchange.decode(printed):
            if message.verb is Verb.SAMPLE:
                assert message.param == "ALL"
                channel.update(family.sample_values(message.values))
            elif message.channel:
                key, value = _item(family, message)
                channel[key] = value
            else:
                device[message.param] = message.value
    snapshot = family.channel_snapshot(1, channel)
    for key, expected in exchange.means.items():
        if key in SNAPSHOT_FIELDS:
            assert getattr(snapshot, key) == expected, key
        elif key in DEVICE_FIELDS:
            assert unquote(device[DEVICE_FIELDS[key]]) == expected
            if key == "model":
                assert receiver_model(device["MODEL"]).family is family
        elif key == "audio_gain_db":
            assert parse_audio_gain_db(channel["AUDIO_GAIN"]) == expected
        else:
            assert key == "group_channel", f"unknown meaning {key!r}"
            group = parse_group_channel(channel["GROUP_CHANNEL"])
            assert group == (None if expected is None else tuple(expected))


@pytest.fixture
def receiver(start_fleet: StartFleet, request: pytest.FixtureRequest) -> SimulatedReceiver:
    """The simulator of the file's model, its channels named as the document's example
    (the demo names can be longer than a document allows, see docs/protocols/shure.md)."""
    exchange: Exchange = request.param
    simulated = start_fleet(exchange.model).receiver(0)
    names = [e.means["name"] for e in EXCHANGES if e.file == exchange.file and "name" in e.means]
    for number in range(1, simulated.channel_count + 1):
        simulated.set_channel_name(number, names[0])
    return simulated


@pytest.fixture
def client(receiver: SimulatedReceiver) -> Iterator[RawClient]:
    raw = RawClient(receiver)
    yield raw
    raw.sock.close()


SENT = [e for e in EXCHANGES if e.send]


@pytest.mark.parametrize("receiver", SENT, ids=lambda e: e.id, indirect=True)
def test_the_simulator_answers_in_the_documents_form(
    receiver: SimulatedReceiver, client: RawClient, request: pytest.FixtureRequest
) -> None:
    exchange: Exchange = request.node.callspec.params["receiver"]
    client.send(exchange.wire(exchange.send) + b"\r\n")
    documented = [m for printed in exchange.receive for m in exchange.decode(printed)]

    if exchange.includes:
        replies = client.read_until(lambda got: _carries(got, exchange.includes), REPLY_TIMEOUT)
        examples = _examples(exchange)
        for reply in replies:
            example = examples.get((reply.param, reply.channel is None))
            if example is not None:  # documented for channel 1; any channel has its form
                _same_form(dataclasses.replace(example, channel=reply.channel), reply, ())
        return
    replies = client.read_count(len(documented), REPLY_TIMEOUT)
    for doc, reply in zip(documented, replies, strict=False):
        _same_form(doc, reply, exchange.choices)
    if exchange.send.startswith("< SET"):  # the report carries the value just set
        assert replies[: len(documented)] == documented
    if exchange.then:
        (form,) = exchange.decode(exchange.then)
        later = replies[len(documented) :]
        if not any(m.verb is form.verb for m in later):
            later += client.read_until(lambda got: any(m.verb is form.verb for m in got))
        _same_form(form, next(m for m in later if m.verb is form.verb), ())
    else:
        assert replies[len(documented) :] == []


def _carries(replies: list[Message], params: tuple[str, ...]) -> bool:
    return set(params) <= {reply.param for reply in replies}


def _examples(exchange: Exchange) -> dict[tuple[str, bool], Message]:
    """The first documented reply of each parameter in the file, by device or channel."""
    examples: dict[tuple[str, bool], Message] = {}
    for other in EXCHANGES:
        if other.file == exchange.file:
            for printed in other.receive:
                for message in other.decode(printed):
                    if message.verb is Verb.REP:
                        examples.setdefault((message.param, message.channel is None), message)
    return examples


def _same_form(doc: Message, reply: Message, choices: tuple[str, ...]) -> None:
    """``reply`` is written the way the document writes ``doc``."""
    assert (reply.verb, reply.channel, reply.param) == (doc.verb, doc.channel, doc.param)
    assert len(reply.values) == len(doc.values), reply
    for printed, sent in zip(doc.values, reply.values, strict=True):
        if printed.startswith("{"):
            assert sent.startswith("{"), (printed, sent)
            assert len(sent) == len(printed), (printed, sent)
        elif printed.isdigit():
            assert sent.isdigit(), (printed, sent)
            assert len(sent) == len(printed), (printed, sent)
        elif choices:
            assert sent in choices, (sent, choices)
        else:
            assert WORD.fullmatch(sent), sent
