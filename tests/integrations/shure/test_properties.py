"""Property tests of the star framing, the dialects and every family's value encodings."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micboard.exceptions import ProtocolError
from micboard.integrations.base import (
    AUDIO_PEAK_LEVEL,
    MAX_AUDIO_LEVEL,
    MAX_RF_LEVEL,
    ChannelSnapshot,
)
from micboard.integrations.shure import values
from micboard.integrations.shure.codec import (
    ANGLE_FRAMING,
    STAR_FRAMING,
    Dialect,
    FrameDecoder,
    Framing,
    Message,
    Verb,
    decode,
    encode,
)
from micboard.integrations.shure.families import FAMILIES, Family, axient, meters, psm, uhfr

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DIALECTS = [
    Dialect(ANGLE_FRAMING),
    Dialect(STAR_FRAMING, report_word="REPORT"),
    Dialect(ANGLE_FRAMING, report_word="REPORT", terminator=b"\r\n"),
]

_PRINTABLE = [chr(c) for c in range(32, 256) if chr(c).isprintable() and chr(c) not in "{}<>*"]
_bare = st.text(st.sampled_from([c for c in _PRINTABLE if c != " "]), min_size=1, max_size=12)
_quoted = st.text(st.sampled_from(_PRINTABLE), max_size=31).map(lambda s: "{" + s + "}")
messages = st.builds(
    Message,
    verb=st.sampled_from(Verb),
    channel=st.none() | st.integers(min_value=0, max_value=999),
    param=st.from_regex(r"[A-Z][A-Z0-9_]{0,15}", fullmatch=True),
    values=st.lists(_bare | _quoted, max_size=5).map(tuple),
)


def _junk(framing: Framing) -> st.SearchStrategy[bytes]:
    """Garbage that holds no delimiter: a stray ``*`` may cost one star frame, by design."""
    return st.binary(max_size=40).map(
        lambda raw: raw.replace(framing.open, b"").replace(framing.close, b"")
    )


@BOUNDED
@given(st.sampled_from(DIALECTS), messages)
def test_every_dialect_round_trips(dialect: Dialect, message: Message) -> None:
    decoded = FrameDecoder(dialect.framing).feed(dialect.encode(message))

    assert decoded == [message]


@BOUNDED
@given(st.lists(st.binary(max_size=300), max_size=20))
def test_star_decoder_never_raises_on_arbitrary_bytes(chunks: list[bytes]) -> None:
    decoder = FrameDecoder(STAR_FRAMING, max_frame_bytes=128)
    for chunk in chunks:
        for item in decoder.feed_with_errors(chunk):
            assert isinstance(item, Message | ProtocolError)
        assert decoder.buffered_bytes <= 128
    decoder.flush()
    assert decoder.buffered_bytes == 0


@BOUNDED
@given(st.binary(max_size=200))
def test_star_decode_raises_nothing_but_protocol_error(frame: bytes) -> None:
    try:
        message = decode(frame, STAR_FRAMING)
    except ProtocolError:
        return
    assert decode(encode(message, STAR_FRAMING), STAR_FRAMING) == message


@BOUNDED
@given(
    st.data(),
    st.sampled_from([ANGLE_FRAMING, STAR_FRAMING]),
    st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=10),
)
def test_messages_between_garbage_are_never_lost_in_either_framing(
    data: st.DataObject, framing: Framing, read_sizes: list[int]
) -> None:
    sent = data.draw(st.lists(st.tuples(_junk(framing), messages), min_size=1, max_size=6))
    stream = b"".join(junk + encode(m, framing) for junk, m in sent) + data.draw(_junk(framing))
    decoder = FrameDecoder(framing)
    received: list[Message] = []
    position, turn = 0, 0
    while position < len(stream):
        size = read_sizes[turn % len(read_sizes)]
        received += decoder.feed(stream[position : position + size])
        position, turn = position + size, turn + 1

    remaining = iter(received)
    for _, message in sent:
        assert message in remaining, f"lost {message}"


# Value parsers: anything a device might send either parses or is a ProtocolError.

PARSERS: list[Callable[[str], object]] = [
    values.parse_battery_bars,
    values.parse_runtime_minutes,
    values.parse_frequency_khz,
    lambda raw: values.parse_frequency_khz(raw, axient.FREQUENCY_DIGITS),
    values.parse_tx_offset_db,
    lambda raw: values.parse_tx_offset_db(raw, axient.TX_OFFSET_BIAS),
    values.parse_rf_level,
    values.parse_audio_level,
    values.parse_antenna,
    axient.parse_quality,
    axient.antenna_from_status,
    meters.rf_from_offset120,
    meters.audio_from_offset120,
    uhfr.parse_tx_bat,
    uhfr.parse_group_channel,
    uhfr.parse_rf_dbm,
    uhfr.parse_audio_bitmap,
    uhfr.meter_interval,
    psm.parse_input_level,
    psm.parse_frequency,
]
_raw_values = st.text(max_size=14) | st.from_regex(r"[0-9]{1,12}", fullmatch=True)


@BOUNDED
@given(st.sampled_from(PARSERS), _raw_values)
def test_value_parsers_raise_nothing_but_protocol_error(
    parse: Callable[[str], object], raw: str
) -> None:
    with contextlib.suppress(ProtocolError):
        parse(raw)


_raw_channels = st.dictionaries(
    st.sampled_from(
        sorted({p for f in FAMILIES for p in (*f.channel_params, *f.meter_params, "TX_OFFSET")})
    ),
    _raw_values,
)


@BOUNDED
@given(st.sampled_from(FAMILIES), _raw_channels, st.lists(_raw_values, max_size=14))
def test_family_decoders_raise_nothing_but_protocol_error(
    family: Family, raw: dict[str, str], sample: list[str]
) -> None:
    with contextlib.suppress(ProtocolError):
        family.channel_snapshot(1, raw)
    with contextlib.suppress(ProtocolError):
        family.sample_values(tuple(sample))


def _snapshots(family: Family) -> st.SearchStrategy[ChannelSnapshot]:
    on = st.booleans() if family.has_battery else st.just(True)
    return st.builds(
        _snapshot,
        st.just(family),
        on,
        st.integers(min_value=1, max_value=4),
        st.text(st.sampled_from("ABCHP0123456789 -"), min_size=1, max_size=family.name_width),
        st.integers(min_value=470_000, max_value=960_000),
        st.integers(min_value=0, max_value=5),
        st.integers(min_value=0, max_value=values.MAX_RUNTIME_MINUTES),
        st.integers(min_value=0, max_value=20),
        st.integers(min_value=0, max_value=MAX_RF_LEVEL),
        st.integers(min_value=0, max_value=MAX_AUDIO_LEVEL),
        st.sampled_from(sorted(values.ANTENNA_STATES)),
    )


def _snapshot(  # noqa: PLR0917 - hypothesis's builds() passes positionally
    family: Family,
    on: bool,
    number: int,
    name: str,
    khz: int,
    bars: int,
    runtime: int,
    offset: int,
    rf: int,
    audio: int,
    antenna: str,
) -> ChannelSnapshot:
    name = " ".join(name.split()) or "A"  # bare-value families keep single spaces only
    return ChannelSnapshot(
        number=number,
        name=name,
        frequency_khz=khz,
        battery_bars=bars if on and family.has_battery else None,
        runtime_minutes=runtime if on and family.has_battery else None,
        tx_type="TX1" if on and family.has_battery else "",
        tx_offset_db=offset if on and family.has_battery else None,
        rf_level=rf,
        audio_level=audio,
        antenna=antenna,
        audio_peak=audio >= AUDIO_PEAK_LEVEL,
        has_battery=family.has_battery,
    )


@pytest.mark.parametrize("family", FAMILIES, ids=[f.name for f in FAMILIES])
def test_reports_decode_to_what_the_simulator_meant(family: Family) -> None:
    """encode -> decode -> encode is stable, and the identity for names, frequencies and
    batteries (meters are quantised by some families, so they only need to be stable)."""

    @BOUNDED
    @given(_snapshots(family))
    def check(snapshot: ChannelSnapshot) -> None:
        raw = _kept(family, snapshot)
        decoded = family.channel_snapshot(snapshot.number, raw)
        again = family.channel_snapshot(snapshot.number, _kept(family, decoded))

        assert again == decoded
        assert (decoded.name, decoded.frequency_khz) == (snapshot.name, snapshot.frequency_khz)
        assert decoded.battery_bars == snapshot.battery_bars
        assert decoded.has_battery == family.has_battery
        if family.has_runtime:
            assert decoded.runtime_minutes == snapshot.runtime_minutes

    check()


def _kept(family: Family, snapshot: ChannelSnapshot) -> dict[str, str]:
    """What a client keeps from the reports and one metering message, through the wire."""
    wire = [
        family.report_message(snapshot.number, k, v)
        for k, v in family.channel_reports(snapshot).items()
    ]
    wire += family.meter_messages(snapshot)
    kept: dict[str, str] = {}
    decoder = FrameDecoder(family.dialect.framing)
    for message in decoder.feed(b"".join(family.dialect.encode(m) for m in wire)):
        if message.verb is Verb.SAMPLE:
            kept.update(family.sample_values(message.values))
        else:
            key, value = family.report_item(message.param, message.values)
            kept[key] = value
    return kept
