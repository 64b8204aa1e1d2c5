"""Fault switches of a simulated receiver and the byte-level damage they do."""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass

from micboard.integrations.shure.codec import Framing


class GarbageMode(enum.Enum):
    OFF = "off"
    AROUND = "around"
    """Junk bytes and cut-off frames between valid frames: a client must still parse."""
    ONLY = "only"
    """Junk bytes and cut-off frames instead of every frame: nothing valid arrives."""
    TRUNCATED = "truncated"
    """Every frame first arrives cut short, then whole."""


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A receiver's fault switches; replaced as a whole, so readers see a consistent set."""

    silent: bool = False
    """Accept connections (and datagrams) and never answer."""
    close_mid_reply: bool = False
    """Send the first half of each reply, then close the connection (UDP: cut the datagram)."""
    close_before_last: bool = False
    """Send each reply but its last message (the end marker's answer), then close."""
    reset_mid_reply: bool = False
    """Send the first half of each reply, then reset the connection."""
    garbage: GarbageMode = GarbageMode.OFF
    split_segments: bool = False
    """Dribble everything out a few bytes per write, with tiny pauses."""
    batch: bool = False
    """Answer everything one read asked for in a single segment."""
    latency: float = 0.0
    """Seconds to wait before answering what arrived in one read (or one datagram)."""
    reply_errors: bool = False
    """Answer every command with ``REP ERR``."""
    loss: float = 0.0
    """UDP: the share of reply datagrams dropped."""
    duplicate: bool = False
    """UDP: send every reply datagram twice."""
    reorder: bool = False
    """UDP: send a reply's datagrams in shuffled order."""
    reply_from_another_port: bool = False
    """UDP: send every datagram from a second socket on another port, not the one asked
    (no Shure document fixes the source port; one UR4D implementation expects 27625)."""
    lose_value: bool = False
    """Drop one channel value from the next reply that carries it, then switch off."""
    odd_samples: bool = False
    """Open every reply with a ``SAMPLE`` of another shape (one value only)."""
    reported_model: str = ""
    """Report this ``MODEL`` instead of its own ("": its own)."""
    line_commands: bool = False
    """Firmware variation: read commands line by line, seeing one only once its line ends."""
    no_all_channels: bool = False
    """Firmware variation: ignore ``GET 0 ALL`` (``GET n ALL`` still answered)."""
    no_get_all: bool = False
    """Firmware variation: ignore every ``GET ALL``; each value only by its own ``GET``."""
    no_model: bool = False
    """Firmware variation: never report ``MODEL`` (and ignore ``GET MODEL``)."""
    crlf_replies: bool = False
    """Firmware variation: CR LF after every message it sends."""


VARIATIONS = ("line_commands", "no_all_channels", "no_get_all", "no_model", "crlf_replies")
"""The ``Behaviour`` switches that are firmware variations rather than faults."""


def garble(
    frames: Sequence[bytes], mode: GarbageMode, rng: random.Random, framing: Framing
) -> bytes:
    """The bytes to send for ``frames`` under a garbage mode."""
    if mode is GarbageMode.OFF:
        return b"".join(frames)
    pieces = []
    for frame in frames:
        if mode is not GarbageMode.TRUNCATED:
            pieces.append(junk(rng, framing))
        # A cut-off frame is harmless only when a new frame opens right after it.
        pieces.append(frame[: rng.randint(1, max(1, len(frame) - 2))])
        if mode is not GarbageMode.ONLY:
            pieces.append(frame)
    if mode is GarbageMode.AROUND:
        pieces.append(junk(rng, framing))
    return b"".join(pieces)


def junk(rng: random.Random, framing: Framing) -> bytes:
    """Random bytes that never contain a frame delimiter."""
    raw = rng.randbytes(rng.randint(1, 24))
    return raw.replace(framing.open, b"?").replace(framing.close, b"?")


def garble_datagrams(
    frame: bytes, mode: GarbageMode, rng: random.Random, framing: Framing
) -> list[bytes]:
    """The datagrams to send for one frame under a garbage mode: junk, a cut-off copy and
    the frame each travel alone, as damaged datagrams do."""
    if mode is GarbageMode.OFF:
        return [frame]
    cut = frame[: rng.randint(1, max(1, len(frame) - 2))]
    datagrams = {
        GarbageMode.AROUND: [junk(rng, framing), cut, frame, junk(rng, framing)],
        GarbageMode.ONLY: [junk(rng, framing), cut],
        GarbageMode.TRUNCATED: [cut, frame],
    }
    return datagrams[mode]
