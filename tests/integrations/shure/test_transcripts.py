"""Exchanges copied by hand from Shure's documents, decoded and sent to the simulator.

Each documented reply is decoded by the client's codec; each documented command goes to
the simulator over a real socket (UDP for UHF-R). Devices are the judge: a codec and a
simulator that share one set of assumptions agree with each other and prove nothing. So
no fixture here comes from our encoder; every string is a document's own, with its section.

Fixture format: one YAML file per family in ``transcripts/`` (``slxd.yaml``...); the
loader refuses a key not listed here::

    family: SLX-D            # a family name as in FAMILIES
    model: SLXD4D            # the model the simulator plays for the socket checks
    document: {title, publisher, version, url}   # version optional
    padding: "y"             # optional: the document prints padding spaces as this letter
    background: {CHAN_NAME: "{}"}  # optional, see below
    exchanges:
      - section: FREQUENCY   # the document's section (required)
        source: "..."        # optional: where this entry's text was read, when not
                             # plainly the file's document (another edition, a quotation)
        example: false       # optional: the strings fill the document's form with a value
                             # its value list defines, rather than copy an example
        send: "< GET 1 FREQUENCY >"            # optional: a command as printed
        receive: ["< REP 1 FREQUENCY 0578350 >"]  # optional: replies as printed, in order
        filled: "< REP x FREQUENCY yyyyyyy >"  # optional: the template ``receive`` fills in
        answer: '< REP 1 CHAN_NAME \\{.{31}\\} >'  # optional: the reply's form as a regular
                             # expression, where the document gives a placeholder only
        note: "..."          # optional: what the document says the value means
        means: {frequency_khz: 578350}         # optional: what micboard must read
        choices: [SLXD1, SLXD2, UNKNOWN]       # optional: the words a reply may carry
        includes: [MODEL, CHAN_NAME]           # with send: parameters the reply must carry
        then: "< SAMPLE 1 ALL 102 102 086 >"   # optional: a message of this form follows

Each ``receive`` item is one message, ending with the family's line ending where its
document prints one (PSM1000: ``\\r\\n``). A padded value is printed with the padding
letter (``{G55yyyyy}``): inside braces, a trailing run of it is spaces on the wire.
``means`` keys are ``ChannelSnapshot`` fields (``name``, ``frequency_khz``, ``tx_type``...),
device values (``model``, ``firmware``, ``device_id``, ``rf_band``), ``raw`` (the values as
the family keeps them, ``{"RSSI 1": "086"}``); a list stands for a tuple (``rf_levels``).

Decoding: each ``receive`` is framed and decoded as the client does and, on top of the
file's first value of each required channel parameter (or its ``background`` value, for
one the document prints no reply of; never asserted), must mean ``means``. Simulator:
each ``send`` goes over TCP with CR LF after it, as the client sends it (UHF-R: one
datagram, answered from the receiver's address). Every reply must have the document's
form: the same words, digits of the same width, braces padded to the same width, one of
``choices``, the same line ending; or match ``answer``. The reply to a ``SET`` must be the
documented one exactly, and nothing but the documented replies (and ``then``) may follow.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from micboard.integrations.base import ChannelSnapshot
from micboard.integrations.shure.codec import FrameDecoder, Message, Verb, decode, unquote
from micboard.integrations.shure.families import FAMILIES, Family, Transport, receiver_model
from micboard.integrations.shure.simulator import SimulatedReceiver
from tests.conftest import StartFleet

TRANSCRIPTS = Path(__file__).with_name("transcripts")
FILE_KEYS = {"family", "model", "document", "padding", "background", "exchanges"}
CHECKED = {"section", "send", "receive", "answer", "means", "choices", "includes", "then"}
DESCRIPTIVE = {"source", "example", "filled", "note"}
SNAPSHOT_FIELDS = {f.name for f in dataclasses.fields(ChannelSnapshot)} - {"number"}
WORD = re.compile(r"[A-Z][A-Z0-9+]*")
TOKEN = re.compile(r"\{[^{}]*\}|[^ \t\r\n{}]+")
"""A braced value or a word, as the codec reads them."""
REPLY_TIMEOUT = 3.0


@dataclass(frozen=True)
class Exchange:
    file: str
    index: int
    family: Family
    model: str
    padding: str
    section: str
    send: str = ""
    receive: tuple[str, ...] = ()
    answer: str = ""
    means: dict[str, Any] = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    then: str = ""
    baseline: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", self.section)[:40].strip("-")
        return f"{Path(self.file).stem}-{self.index}-{slug}"

    def wire(self, printed: str) -> str:
        """The text a device sends for a string as the document prints it."""
        if self.padding:
            letter = re.escape(self.padding)
            printed = re.sub(
                r"\{([^{}]*?)(" + letter + r"+)\}",
                lambda m: "{" + m[1] + " " * len(m[2]) + "}",
                printed,
            )
        return printed

    def decode_one(self, printed: str) -> Message:
        """One documented frame is exactly one message, in the family's framing and ending."""
        ending = self.family.dialect.terminator.decode("latin-1")
        assert printed.endswith(ending), f"{printed!r} lacks the family's {ending!r}"
        decoder = FrameDecoder(self.family.dialect.framing)
        messages = decoder.feed(self.wire(printed).encode("latin-1"))
        assert (len(messages), decoder.malformed_frames, decoder.discarded_bytes) == (1, 0, 0)
        return messages[0]


def load_exchanges() -> list[Exchange]:
    families = {family.name: family for family in FAMILIES}
    exchanges = []
    for path in sorted(TRANSCRIPTS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data) <= FILE_KEYS, f"{path.name}: unknown keys {set(data) - FILE_KEYS}"
        assert {"title", "publisher", "url"} <= set(data["document"]), path.name
        family = families[data["family"]]
        assert receiver_model(data["model"]).family is family, path.name
        common = {"file": path.name, "family": family, "model": data["model"]}
        common["padding"] = data.get("padding", "")
        found = [
            Exchange(**common, index=index, **_fields(item))
            for index, item in enumerate(data["exchanges"])
        ]
        baseline = {**data.get("background", {}), **_baseline(found)}
        exchanges += [dataclasses.replace(e, baseline=baseline) for e in found]
    return exchanges


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    unknown = set(item) - CHECKED - DESCRIPTIVE
    assert not unknown, f"unknown keys {sorted(unknown)} in {item}"
    assert isinstance(item.get("example", False), bool), item
    assert item.get("means") or item.get("send"), f"nothing to check in {item}"
    needs_send = {"answer", "includes", "then"} & set(item)
    assert item.get("send") or not needs_send, f"{needs_send} without send in {item}"
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
            message = exchange.decode_one(printed)
            key, value = exchange.family.report_item(message.param, message.values)
            if key in exchange.family.channel_params and message.channel:
                baseline.setdefault(key, value)
    return baseline


EXCHANGES = load_exchanges()


def test_every_transcript_file_is_checked() -> None:
    """Every file in the folder is loaded, names its family and model, and is sent to the
    simulator; together the files cover every family micboard drives."""
    files = {path.name for path in TRANSCRIPTS.glob("*.yaml")}
    assert {e.file for e in EXCHANGES if e.send} == files
    by_file = {e.file: e.family.name for e in EXCHANGES}
    assert sorted(by_file.values()) == sorted(family.name for family in FAMILIES)


@pytest.mark.parametrize(
    "exchange", [e for e in EXCHANGES if e.receive and e.means], ids=lambda e: e.id
)
def test_the_client_reads_what_the_document_means(exchange: Exchange) -> None:
    family = exchange.family
    raw: dict[str, str] = {}
    device: dict[str, str] = {}
    channels = set()
    for message in map(exchange.decode_one, exchange.receive):
        if message.channel is None:
            key, value = family.report_item(message.param, message.values)
            device[key] = value
            continue
        channels.add(message.channel)
        if message.verb is Verb.SAMPLE:
            assert message.param == "ALL"
            raw.update(family.sample_values(message.values))
        else:
            assert message.verb is Verb.REP
            key, value = family.report_item(message.param, message.values)
            raw[key] = value
    assert len(channels) <= 1, "one exchange speaks of one channel"
    means = dict(exchange.means)
    for key in {"model", "firmware", "device_id"} & set(means):
        param = getattr(family.identity, key)
        assert unquote(device[param]) == means.pop(key), key
        if key == "model":
            assert receiver_model(device[param]).family is family
    if "rf_band" in means:
        assert unquote(device["RF_BAND"]) == means.pop("rf_band")
    expected_raw = means.pop("raw", {})
    assert {key: raw.get(key) for key in expected_raw} == expected_raw
    channel = {**exchange.baseline, **raw}
    assert set(means) <= SNAPSHOT_FIELDS, f"unknown meanings {set(means) - SNAPSHOT_FIELDS}"
    means = {key: tuple(v) if isinstance(v, list) else v for key, v in means.items()}
    if means:
        snapshot = family.channel_snapshot(min(channels, default=1), channel)
        assert {key: getattr(snapshot, key) for key in means} == means


@pytest.fixture
def receiver(start_fleet: StartFleet, request: pytest.FixtureRequest) -> SimulatedReceiver:
    """The simulator of the file's model, its channels named as the document's example
    if it has one (demo names can be longer than a document allows, docs/protocols/shure.md)."""
    exchange: Exchange = request.param
    simulated = start_fleet(exchange.model).receiver(0)
    names = [e.means["name"] for e in EXCHANGES if e.file == exchange.file and "name" in e.means]
    for number in range(1, simulated.channel_count + 1) if names else ():
        simulated.set_channel_name(number, names[0])
    return simulated


SENT = [e for e in EXCHANGES if e.send]


@pytest.mark.parametrize("receiver", SENT, ids=lambda e: e.id, indirect=True)
def test_the_simulator_answers_in_the_documents_form(
    receiver: SimulatedReceiver, request: pytest.FixtureRequest
) -> None:
    exchange: Exchange = request.node.callspec.params["receiver"]
    family = exchange.family
    with Answers(receiver, exchange.wire(exchange.send).encode("latin-1")) as answers:
        if exchange.answer:
            pattern = re.compile(exchange.answer.encode("latin-1"))
            answers.wait(lambda frames: any(pattern.fullmatch(f) for f in frames))
            return
        if exchange.includes:
            answers.wait(lambda frames: set(exchange.includes) <= _params(family, frames))
            examples = _examples(exchange)
            for frame in answers.frames:
                reply = decode(frame, family.dialect.framing)
                example = examples.get((reply.param, reply.channel is None))
                if example is not None:  # documented for channel 1; any channel has its form
                    assert _form(family, example, (), reply.channel).fullmatch(frame), frame
            return
        count = len(exchange.receive)
        answers.wait(lambda frames: len(frames) >= count)
        for printed, frame in zip(exchange.receive, answers.frames, strict=False):
            assert _form(family, exchange.wire(printed), exchange.choices).fullmatch(frame)
        replies = [decode(frame, family.dialect.framing) for frame in answers.frames]
        if exchange.send.startswith(("< SET", "<SET")):  # the report carries the value set
            assert replies[:count] == [exchange.decode_one(p) for p in exchange.receive]
        if not exchange.then:
            assert replies[count:] == []
            return
        form = _form(family, exchange.wire(exchange.then), ())
        verb = exchange.decode_one(exchange.then).verb
        answers.wait(lambda frames: verb in {m.verb for m in _decoded(family, frames[count:])})
        later = zip(answers.frames[count:], _decoded(family, answers.frames[count:]), strict=True)
        assert form.fullmatch(next(frame for frame, m in later if m.verb is verb))


class Answers:
    """What the simulator sends back to one command, split into frames with their endings."""

    def __init__(self, receiver: SimulatedReceiver, command: bytes) -> None:
        self.family = receiver.family
        self.address = (receiver.host, receiver.port)
        self.frames: list[bytes] = []
        self.buffer = b""
        if self.family.transport is Transport.UDP:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind(("127.0.0.1", 0))
            self.sock.sendto(command, self.address)
        else:
            self.sock = socket.create_connection(self.address, timeout=REPLY_TIMEOUT)
            self.sock.sendall(command + b"\r\n")

    def __enter__(self) -> Answers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def wait(self, done: Callable[[list[bytes]], bool]) -> None:
        deadline = time.monotonic() + REPLY_TIMEOUT
        while not done(self.frames):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no answer of the documented form; got {self.frames}"
            self.sock.settimeout(remaining)
            try:
                data, sender = self.sock.recvfrom(4096)
            except TimeoutError:
                continue  # the deadline check above fails the test
            if self.family.transport is Transport.UDP:
                assert sender == self.address, sender  # a datagram is one message
                self.frames.append(data)
                continue
            assert data, f"connection closed; got {self.frames} and {self.buffer!r}"
            self.buffer += data
            self._split()

    def _split(self) -> None:
        """Move each complete frame, and the line ending after it, out of the buffer."""
        framing, ending = self.family.dialect.framing, self.family.dialect.terminator
        frame = re.compile(
            re.escape(framing.open)
            + b"[^"
            + re.escape(framing.open + framing.close)
            + b"]*"
            + re.escape(framing.close)
            + b"(\r\n|\n|\r)?"
        )
        while match := frame.search(self.buffer):
            rest = self.buffer[match.end() :]
            tail = (match[1] or b"") + rest
            if ending and len(tail) < len(ending) and ending.startswith(tail):
                return  # the line ending may still be on its way
            self.frames.append(match[0])
            self.buffer = rest


def _decoded(family: Family, frames: list[bytes]) -> list[Message]:
    return [decode(frame, family.dialect.framing) for frame in frames]


def _params(family: Family, frames: list[bytes]) -> set[str]:
    return {message.param for message in _decoded(family, frames)}


def _examples(exchange: Exchange) -> dict[tuple[str, bool], str]:
    """The first documented reply of each parameter in the file, by device or channel."""
    examples: dict[tuple[str, bool], str] = {}
    for other in EXCHANGES:
        if other.file == exchange.file:
            for printed in other.receive:
                message = other.decode_one(printed)
                if message.verb is Verb.REP:
                    key = (message.param, message.channel is None)
                    examples.setdefault(key, other.wire(printed))
    return examples


def _form(
    family: Family, frame: str, choices: tuple[str, ...], channel: int | None = None
) -> re.Pattern[bytes]:
    """A documented reply's form: its words, each value's width (digits, padded text), one
    of ``choices`` for a word, and its line ending; ``channel`` in place of the document's."""
    framing = family.dialect.framing
    tokens: list[str] = TOKEN.findall(frame.strip()[1:-1])
    literal = 3 if tokens[1].isdigit() else 2  # verb, channel, parameter
    if channel is not None and literal == 3:
        tokens[1] = str(channel)
    parts = [re.escape(token) for token in tokens[:literal]]
    for token in tokens[literal:]:
        if token.startswith("{"):
            parts.append(rf"\{{.{{{len(token) - 2}}}\}}")
        elif token.isdigit():
            parts.append(rf"\d{{{len(token)}}}")
        elif choices:
            parts.append("(" + "|".join(map(re.escape, choices)) + ")")
        else:
            parts.append(WORD.pattern if WORD.fullmatch(token) else r"[!-~]+")
    open_, close = re.escape(framing.open.decode()), re.escape(framing.close.decode())
    ending = re.escape(frame[len(frame.rstrip()) :])
    return re.compile(f"{open_} {' '.join(parts)} {close}{ending}".encode("latin-1"))


def test_the_documented_form_fixes_widths_words_and_the_line_ending() -> None:
    axient, psm = receiver_model("AD4D").family, receiver_model("P10T").family
    sample = _form(axient, "< SAMPLE 1 ALL 005 031 102 102 BB 31 086 31 065 >", ())
    frequency = _form(psm, "< REPORT 1 FREQUENCY 578000 >\r\n", ())
    tx_model = _form(axient, "< REP 1 TX_MODEL SLXD2 >", ("SLXD1", "SLXD2", "UNKNOWN"))

    assert sample.fullmatch(b"< SAMPLE 1 ALL 255 000 080 075 XB 00 000 31 070 >")
    assert not sample.fullmatch(b"< SAMPLE 1 ALL 005 031 102 102 BB 031 086 031 065 >")
    assert frequency.fullmatch(b"< REPORT 1 FREQUENCY 602125 >\r\n")
    assert not frequency.fullmatch(b"< REPORT 1 FREQUENCY 602125 >")
    assert not frequency.fullmatch(b"< REP 1 FREQUENCY 602125 >\r\n")
    assert tx_model.fullmatch(b"< REP 1 TX_MODEL UNKNOWN >")
    assert not tx_model.fullmatch(b"< REP 1 TX_MODEL ULXD2 >")
