"""SSC encoding and strict decoding: nested addresses, null getters, error replies."""

from __future__ import annotations

import pytest

from micboard.integrations.sennheiser.codec import (
    SscDecodeError,
    decode_reply,
    encode_get,
    format_path,
    parse_path,
)


def test_a_getter_is_the_address_tree_with_null() -> None:
    # EW-DX guide section 8.106, byte for byte.
    path = parse_path("/mates/tx1/battery/gauge")
    assert encode_get(path) == b'{"mates":{"tx1":{"battery":{"gauge":null}}}}'
    assert format_path(path) == "/mates/tx1/battery/gauge"


@pytest.mark.parametrize("address", ["rx1/name", "/rx1//name", "/"])
def test_an_address_must_be_absolute_and_whole(address: str) -> None:
    with pytest.raises(ValueError, match="not an SSC address"):
        parse_path(address)


def test_values_and_errors_come_apart() -> None:
    reply = decode_reply(b'{"rx1":{"name":"Lead"},"osc":{"error":[{"rx2":{"name":[404]}}]}}')
    assert reply.values == {("rx1", "name"): "Lead"}
    assert reply.errors == {("rx2", "name"): 404}


@pytest.mark.parametrize(
    ("datagram", "why"),
    [
        (b'{"rx1":{"name":"Le', "truncated JSON"),
        (b'{"rx1":{"name":}}', "malformed JSON"),
        (b"", "empty datagram"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1,2]", "JSON object, not list"),
        (b'{"osc":{"error":"bad"}}', "/osc/error is not a list"),
        (b'{"osc":{"error":["bad"]}}', "entry is not an object"),
        (b'{"osc":{"error":[{"rx1":{"name":"x"}}]}}', "has no error code"),
    ],
)
def test_bad_datagrams_are_refused_with_the_reason(datagram: bytes, why: str) -> None:
    with pytest.raises(SscDecodeError, match=why):
        decode_reply(datagram)
