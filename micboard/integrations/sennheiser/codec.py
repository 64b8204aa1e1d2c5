"""SSC messages: addresses as nested JSON objects, ``null`` as the getter, ``/osc/error`` replies.

An SSC address such as ``/mates/tx1/battery/gauge`` travels as
``{"mates":{"tx1":{"battery":{"gauge":null}}}}``; a reply has the same shape with the value
in place of ``null``. An error reply wraps the failing address in
``{"osc":{"error":[{...: [code]}]}}`` (SSC developer's guide for SpeechLine Digital Wireless,
TI 1094, section 14.4 ``/osc/error``). Decoding is strict: a datagram that is not one
complete JSON object raises ``SscDecodeError`` saying why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from micboard.exceptions import ProtocolError

Path = tuple[str, ...]
Scalar = str | int | float | bool | None
Value = Scalar | list["Value"]

_SEPARATORS = (",", ":")


class SscDecodeError(ProtocolError):
    """The receiver sent a datagram that is not a well-formed SSC message."""


@dataclass(frozen=True, slots=True)
class SscReply:
    """One decoded datagram: the values it carries and the addresses it refused."""

    values: dict[Path, Value] = field(default_factory=dict)
    errors: dict[Path, int] = field(default_factory=dict)


def parse_path(address: str) -> Path:
    """``/rx1/name`` -> ``("rx1", "name")``."""
    parts = tuple(address.strip("/").split("/"))
    if not address.startswith("/") or not all(parts):
        raise ValueError(f"not an SSC address: {address!r}")
    return parts


def format_path(path: Path) -> str:
    return "/" + "/".join(path)


def nest(path: Path, value: object) -> dict[str, object]:
    """The JSON object tree that carries ``value`` at ``path``."""
    tree: dict[str, object] = {path[-1]: value}
    for part in reversed(path[:-1]):
        tree = {part: tree}
    return tree


def encode_get(path: Path) -> bytes:
    """The request that reads one address: its tree with ``null`` as the leaf."""
    return json.dumps(nest(path, None), separators=_SEPARATORS).encode()


def encode_message(tree: dict[str, object]) -> bytes:
    return json.dumps(tree, separators=_SEPARATORS).encode()


def decode_json(datagram: bytes) -> dict[str, object]:
    """The datagram's JSON object; raises ``SscDecodeError`` for anything else."""
    try:
        text = datagram.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SscDecodeError(f"not UTF-8 at byte {error.start}") from None
    if not text.strip():
        raise SscDecodeError("empty datagram")
    try:
        tree = json.loads(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated")
        why = "truncated JSON" if truncated else "malformed JSON"
        raise SscDecodeError(f"{why}: {error.msg} at character {error.pos}") from None
    if not isinstance(tree, dict):
        raise SscDecodeError(f"an SSC message is a JSON object, not {type(tree).__name__}")
    return tree


def decode_reply(datagram: bytes) -> SscReply:
    """Every leaf value and every error code the datagram carries, by address."""
    tree = decode_json(datagram)
    values: dict[Path, Value] = {}
    errors: dict[Path, int] = {}
    osc = tree.get("osc")
    if isinstance(osc, dict) and "error" in osc:
        _collect_errors(osc["error"], errors)
    _flatten(tree, (), values)
    return SscReply(values, errors)


def _flatten(tree: dict[str, object], prefix: Path, into: dict[Path, Value]) -> None:
    for key, value in tree.items():
        path = (*prefix, key)
        if path[0] == "osc":
            continue  # protocol housekeeping (xid, error, state), not device values
        if isinstance(value, dict):
            _flatten(value, path, into)
        else:
            into[path] = _checked(value, path)


def _checked(value: object, path: Path) -> Value:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list):
        return [_checked(item, path) for item in value]
    raise SscDecodeError(f"{format_path(path)}: unexpected {type(value).__name__}")


def _collect_errors(errors: object, into: dict[Path, int]) -> None:
    if not isinstance(errors, list):
        raise SscDecodeError("/osc/error is not a list")
    for entry in errors:
        if not isinstance(entry, dict):
            raise SscDecodeError("/osc/error entry is not an object")
        leaves: dict[Path, Value] = {}
        _flatten(entry, (), leaves)
        for path, codes in leaves.items():
            if not (isinstance(codes, list) and codes and isinstance(codes[0], int)):
                raise SscDecodeError(f"/osc/error for {format_path(path)} has no error code")
            into[path] = codes[0]
