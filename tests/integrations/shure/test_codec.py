from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micboard.exceptions import ProtocolError
from micboard.integrations.shure.codec import (
    STAR_FRAMING,
    FrameDecoder,
    Message,
    Verb,
    decode,
    encode,
    parse_body,
    quote,
    unquote,
)

NAME = Message(Verb.REP, 1, "CHAN_NAME", ("{HH01 Lead  }",))
BARS = Message(Verb.REP, 2, "BATT_BARS", ("004",))
MODEL = Message(Verb.REP, None, "MODEL", ("{ULXD4Q}",))


def test_encode_frames_verb_channel_param_and_values() -> None:
    assert encode(NAME) == b"< REP 1 CHAN_NAME {HH01 Lead  } >"
    assert encode(Message(Verb.GET, 0, "ALL")) == b"< GET 0 ALL >"
    assert encode(Message(Verb.GET, None, "MODEL")) == b"< GET MODEL >"
    assert encode(Message(Verb.GET, 1, "ALL"), STAR_FRAMING) == b"* GET 1 ALL *"


def test_decode_keeps_a_brace_quoted_string_as_one_raw_value() -> None:
    message = decode(b"<REP 1 CHAN_NAME {HH01 Lead  }>")

    assert message == NAME
    assert unquote(message.value) == "HH01 Lead"


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (b"< REPORT 2 BATT_BARS 004 >", BARS),
        (b"< REP MODEL {ULXD4Q} >", MODEL),
        (b"< REP 0 MODEL {ULXD4Q} >", Message(Verb.REP, 0, "MODEL", ("{ULXD4Q}",))),
        (b"< REP ERR >", Message(Verb.REP, None, "ERR")),
        (
            b"< SAMPLE 3 ALL AX 095 030 >",
            Message(Verb.SAMPLE, 3, "ALL", ("AX", "095", "030")),
        ),
        (b"< SET 1 METER_RATE 00100 >", Message(Verb.SET, 1, "METER_RATE", ("00100",))),
        (b"<\tREP 1 CHAN_NAME {}\r\n>", Message(Verb.REP, 1, "CHAN_NAME", ("{}",))),
    ],
)
def test_decode_examples(frame: bytes, expected: Message) -> None:
    assert decode(frame) == expected


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"FETCH 1 ALL",
        b"rep 1 CHAN_NAME x",
        b"REP 1",
        b"REP 1 chan_name x",
        b"REP 1 CHAN_NAME {HH01",
        b"REP 1 CHAN_NAME HH01}",
        b"REP 1 CHAN_NAME {a}b",
        b"REP 1 CHAN_NAME {a{b}}",
        b"REP 1 CHAN_NAME a\x00b",
        b"REP 1234 CHAN_NAME x",
    ],
)
def test_parse_body_rejects_malformed_frames(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_body(body)


@pytest.mark.parametrize(
    "message",
    [
        Message(Verb.REP, 1, "CHAN_NAME", ("HH01 Lead",)),
        Message(Verb.REP, 1, "CHAN_NAME", ("{A>B}",)),
        Message(Verb.REP, 1, "CHAN_NAME", ("",)),
        Message(Verb.REP, 1, "chan_name", ("x",)),
        Message(Verb.REP, -1, "CHAN_NAME", ("x",)),
        Message(Verb.REP, 1, "CHAN_NAME", ("{tab\there}",)),
    ],
)
def test_encode_refuses_what_the_protocol_cannot_carry(message: Message) -> None:
    with pytest.raises(ProtocolError):
        encode(message)


def test_star_values_may_not_contain_a_star() -> None:
    with pytest.raises(ProtocolError):
        encode(Message(Verb.REP, 1, "CHAN_NAME", ("{A*B}",)), STAR_FRAMING)


def test_value_requires_exactly_one_value() -> None:
    with pytest.raises(ProtocolError, match="carries 3 values"):
        _ = Message(Verb.SAMPLE, 1, "ALL", ("AX", "1", "2")).value


def test_quote_pads_and_unquote_strips() -> None:
    assert quote("HH01", 8) == "{HH01    }"
    assert unquote("{  HH01 Lead  }") == "HH01 Lead"
    assert unquote("G50") == "G50"


def test_a_message_split_across_reads_is_reassembled() -> None:
    decoder = FrameDecoder()
    frame = encode(NAME)

    received = [message for byte in frame for message in decoder.feed(bytes([byte]))]

    assert received == [NAME]
    assert decoder.discarded_bytes == 0


def test_one_read_may_hold_many_messages_and_whitespace_between_is_ignored() -> None:
    decoder = FrameDecoder()

    received = decoder.feed(encode(NAME) + b"\r\n" + encode(BARS) + b"  \t" + encode(MODEL))

    assert received == [NAME, BARS, MODEL]
    assert decoder.discarded_bytes == 0
    assert decoder.malformed_frames == 0


def test_garbage_between_messages_is_skipped_and_counted() -> None:
    decoder = FrameDecoder()

    received = decoder.feed(b"\x00\xffjunk>" + encode(NAME) + b"more" + encode(BARS) + b"tail")

    assert received == [NAME, BARS]
    assert decoder.discarded_bytes == len(b"\x00\xffjunk>moretail")
    assert decoder.malformed_frames == 0


def test_a_frame_cut_short_by_a_new_frame_is_dropped_and_recorded() -> None:
    decoder = FrameDecoder()

    items = decoder.feed_with_errors(b"< REP 1 BATT_" + encode(BARS))

    assert len(items) == 2
    assert isinstance(items[0], ProtocolError)
    assert "cut short" in items[0].message
    assert items[1] == BARS
    assert decoder.malformed_frames == 1
    assert decoder.errors[-1] is items[0]


def test_a_malformed_frame_is_recorded_in_stream_order_and_feed_skips_it() -> None:
    decoder = FrameDecoder()
    data = encode(NAME) + b"< BOGUS >" + encode(BARS)

    items = decoder.feed_with_errors(data)

    assert items[0] == NAME
    assert isinstance(items[1], ProtocolError)
    assert items[2] == BARS
    assert FrameDecoder().feed(data) == [NAME, BARS]


def test_an_over_long_unterminated_frame_is_dropped_and_memory_stays_bounded() -> None:
    decoder = FrameDecoder(max_frame_bytes=64)
    decoder.feed(b"< REP 1 CHAN_NAME {")

    for _ in range(100):
        assert decoder.feed(b"x" * 50) == []
        assert decoder.buffered_bytes <= 64

    assert decoder.feed(b"x} >" + encode(BARS)) == [BARS]
    assert decoder.malformed_frames == 1
    assert "too long" in decoder.errors[-1].message


def test_a_complete_over_long_frame_is_dropped() -> None:
    decoder = FrameDecoder(max_frame_bytes=32)
    long_name = Message(Verb.REP, 1, "CHAN_NAME", ("{" + "x" * 40 + "}",))

    assert decoder.feed(encode(long_name) + encode(BARS)) == [BARS]
    assert decoder.malformed_frames == 1


def test_star_framing_decodes_a_stream_and_recovers_lost_step() -> None:
    decoder = FrameDecoder(STAR_FRAMING)
    sample = Message(Verb.SAMPLE, 1, "ALL", ("AX", "020", "100", "4", "000"))
    data = encode(sample, STAR_FRAMING) + b"\r\n" + encode(BARS, STAR_FRAMING)

    assert decoder.feed(data) == [sample, BARS]


def test_star_framing_gets_back_in_step_after_a_stray_star() -> None:
    decoder = FrameDecoder(STAR_FRAMING)
    bars, name = encode(BARS, STAR_FRAMING), encode(NAME, STAR_FRAMING)

    # ``x*`` then ``* REP ... *``: the empty ``**`` shows the stray, the frame survives.
    assert decoder.feed(b"x*" + bars) == [BARS]
    # With junk after the stray, one frame is lost, and the decoder is in step again.
    assert decoder.feed(b"*junk " + bars + name + bars) == [NAME, BARS]
    assert decoder.malformed_frames == 1


# Properties

_PRINTABLE = [chr(c) for c in range(256) if chr(c).isprintable() and chr(c) not in "{}<>"]
_bare_values = st.text(st.sampled_from([c for c in _PRINTABLE if c != " "]), min_size=1)
_quoted_values = st.text(st.sampled_from(_PRINTABLE), max_size=31).map(lambda s: "{" + s + "}")
messages = st.builds(
    Message,
    verb=st.sampled_from(Verb),
    channel=st.none() | st.integers(min_value=0, max_value=999),
    param=st.from_regex(r"[A-Z][A-Z0-9_]{0,15}", fullmatch=True),
    values=st.lists(_bare_values | _quoted_values, max_size=5).map(tuple),
)


@settings(deadline=None)
@given(messages)
def test_encode_then_decode_is_the_identity(message: Message) -> None:
    assert decode(encode(message)) == message


@settings(deadline=None)
@given(st.binary(max_size=200))
def test_parse_body_raises_nothing_but_protocol_error(body: bytes) -> None:
    try:
        message = parse_body(body)
    except ProtocolError:
        return
    assert decode(encode(message)) == message


@settings(deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=20))
def test_arbitrary_bytes_never_raise_and_stay_bounded(chunks: list[bytes]) -> None:
    decoder = FrameDecoder(max_frame_bytes=128)
    for chunk in chunks:
        for item in decoder.feed_with_errors(chunk):
            assert isinstance(item, Message | ProtocolError)
        assert decoder.buffered_bytes <= 128


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.binary(max_size=40), messages), min_size=1, max_size=8),
    st.binary(max_size=40),
    st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=10),
)
def test_valid_messages_surrounded_by_garbage_are_never_lost(
    garbage_and_messages: list[tuple[bytes, Message]], tail: bytes, read_sizes: list[int]
) -> None:
    stream = b"".join(junk + encode(message) for junk, message in garbage_and_messages) + tail
    decoder = FrameDecoder()
    received: list[Message] = []
    position = 0
    for index in range(len(stream)):
        if position >= len(stream):
            break
        size = read_sizes[index % len(read_sizes)]
        received += decoder.feed(stream[position : position + size])
        position += size

    expected = iter(received)
    for _, message in garbage_and_messages:
        assert message in expected, f"lost {message}"
