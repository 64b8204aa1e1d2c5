"""SSC v2 response bodies to values, and the values to the snapshot the UDP poll makes."""

from __future__ import annotations

import dataclasses
import json

from micboard.exceptions import ProtocolError
from micboard.integrations.base import ReceiverSnapshot
from micboard.integrations.sennheiser.client import SscPoll
from micboard.integrations.sennheiser.codec import Path, Value


def value_from_body(path: Path, body: bytes, endpoint: str) -> Value:
    """A JSON value; also accepted: the value nested at its address as in SSC v1 (the
    documents read do not give the body's shape)."""
    try:
        decoded = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProtocolError(f"{endpoint} answered {_address(path)} with bytes not UTF-8") from None
    except json.JSONDecodeError as error:
        kind = "truncated JSON" if error.pos >= len(body.rstrip()) else "malformed JSON"
        raise ProtocolError(f"{endpoint} answered {_address(path)} with {kind}") from None
    nested = _unnest(path, decoded)
    return _value(decoded if nested is _MISSING else nested, path, endpoint)


_MISSING = object()


def _unnest(path: Path, decoded: object) -> object:
    node = decoded
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return _MISSING if isinstance(node, dict) else node


def _value(decoded: object, path: Path, endpoint: str) -> Value:
    if decoded is None or isinstance(decoded, str | int | float | bool):
        return decoded
    if isinstance(decoded, list):
        return [_value(item, path, endpoint) for item in decoded]
    raise ProtocolError(f"{endpoint} answered {_address(path)} with a JSON object, not a value")


def _address(path: Path) -> str:
    return "/" + "/".join(path)


def snapshot_from(poll: SscPoll, *, request_form: str, certificate: str) -> ReceiverSnapshot:
    """The UDP poll's snapshot, refusals counted alike; nothing is resent over HTTPS."""
    snapshot = poll.snapshot()
    diagnostics = dataclasses.replace(
        snapshot.diagnostics, request_form=request_form, certificate=certificate
    )
    return dataclasses.replace(snapshot, diagnostics=diagnostics)
