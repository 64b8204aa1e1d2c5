"""What each scenario does to a simulated receiver, and how it is undone.

Every action takes the receiver, the channels it applies to and the event's parameters.
Actions that make no sense for a family (a battery on an in-ear transmitter, datagram
loss on TCP) change nothing there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from micboard.integrations.shure.simulator import GarbageMode
from micboard.simulator.devices import Mutable, SimulatedDevice

Apply = Callable[[SimulatedDevice, Sequence[int], Mapping[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Action:
    apply: Apply
    revert: Apply | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    """Parameter name -> kind: ``int``, ``duration``, ``share`` (0-1) or ``text``."""
    required: frozenset[str] = frozenset()
    periodic: bool = False
    """Needs ``every`` (it only means something repeated)."""
    undo_halfway: bool = False
    """Without ``for``, undone half-way to the next repetition."""
    description: str = ""


def _switch(name: str, on: Any, off: Any = False, description: str = "") -> Action:
    """A fault switch: on when the event starts, off again after ``for``."""

    def apply(receiver: SimulatedDevice, _c: Sequence[int], _p: Mapping[str, Any]) -> None:
        receiver.configure(**{name: on})

    def revert(receiver: SimulatedDevice, _c: Sequence[int], _p: Mapping[str, Any]) -> None:
        receiver.configure(**{name: off})

    return Action(apply, revert, description=description)


def _per_channel(change: Callable[[SimulatedDevice, int], None]) -> Apply:
    def apply(receiver: SimulatedDevice, channels: Sequence[int], _: Mapping[str, Any]) -> None:
        for channel in channels:
            change(receiver, channel)

    return apply


def _set_online(online: bool) -> Apply:
    def apply(receiver: SimulatedDevice, _c: Sequence[int], _p: Mapping[str, Any]) -> None:
        receiver.online = online

    return apply


def _rename(receiver: SimulatedDevice, channels: Sequence[int], p: Mapping[str, Any]) -> None:
    for channel in channels:
        receiver.set_channel_name(channel, str(p["name"])[: receiver.name_width])


def _restore_name(receiver: SimulatedDevice, channels: Sequence[int], _: Mapping[str, Any]) -> None:
    for channel in channels:
        receiver.set_channel_name(channel, receiver.starting_name(channel))


def _retune(receiver: SimulatedDevice, channels: Sequence[int], p: Mapping[str, Any]) -> None:
    for channel in channels:
        receiver.set_frequency(channel, int(p["khz"]))


def _restore_frequency(
    receiver: SimulatedDevice, channels: Sequence[int], _: Mapping[str, Any]
) -> None:
    for channel in channels:
        receiver.set_frequency(channel, receiver.starting_frequency(channel))


def _drain(receiver: SimulatedDevice, channels: Sequence[int], p: Mapping[str, Any]) -> None:
    for channel in channels:
        receiver.drain(channel, int(p.get("minutes", 10)))


def _muting(muted: bool) -> Apply:
    def apply(receiver: SimulatedDevice, channels: Sequence[int], _: Mapping[str, Any]) -> None:
        if isinstance(receiver, Mutable):  # Shure's simulated receivers report no mute
            for channel in channels:
                receiver.set_mute(channel, muted)

    return apply


def _latency(receiver: SimulatedDevice, _c: Sequence[int], p: Mapping[str, Any]) -> None:
    receiver.configure(latency=float(p["seconds"]))


def _loss(receiver: SimulatedDevice, _c: Sequence[int], p: Mapping[str, Any]) -> None:
    receiver.configure(loss=float(p.get("share", 0.3)))


ACTIONS: Mapping[str, Action] = {
    "battery_drain": Action(
        _drain, params={"minutes": "int"}, periodic=True,
        description="every `every`, run the batteries down by `minutes` (default 10)",
    ),
    "transmitter_off": Action(
        _per_channel(lambda r, c: r.set_transmitter(c, False)),
        _per_channel(lambda r, c: r.set_transmitter(c, True)),
        description="switch transmitters off (back on after `for`)",
    ),
    "rf_dropout": Action(
        _per_channel(lambda r, c: r.set_rf_dropout(c, True)),
        _per_channel(lambda r, c: r.set_rf_dropout(c, False)),
        description="lose the RF link: no signal, no audio",
    ),
    "audio_peak": Action(
        _per_channel(lambda r, c: r.set_audio_peak(c, True)),
        _per_channel(lambda r, c: r.set_audio_peak(c, False)),
        description="audio close to full scale",
    ),
    "mute": Action(
        _muting(True), _muting(False),
        description="mute channels (Sennheiser; unmuted after `for`)",
    ),
    "rename": Action(
        _rename, _restore_name, params={"name": "text"}, required=frozenset({"name"}),
        description="rename channels to `name`",
    ),
    "frequency": Action(
        _retune, _restore_frequency, params={"khz": "int"}, required=frozenset({"khz"}),
        description="retune channels to `khz`",
    ),
    "offline": Action(
        _set_online(False), _set_online(True),
        description="the receiver stops answering on its port (connections refused)",
    ),
    "flapping": Action(
        _set_online(False), _set_online(True), periodic=True,
        undo_halfway=True,
        description="offline for `for` (default half of `every`), every `every`",
    ),
    "latency": Action(
        _latency, lambda r, _c, _p: r.configure(latency=0.0),
        params={"seconds": "duration"}, required=frozenset({"seconds"}),
        description="wait `seconds` before every answer",
    ),
    "split_segments": _switch(
        "split_segments", True, description="replies dribble out a few bytes per TCP segment"
    ),
    "batch": _switch("batch", True, description="several replies in one TCP segment"),
    "garbage": _switch(
        "garbage", GarbageMode.AROUND, GarbageMode.OFF, "junk and cut-off frames between replies"
    ),
    "garbage_only": _switch(
        "garbage", GarbageMode.ONLY, GarbageMode.OFF, "junk instead of every reply"
    ),
    "truncated": _switch(
        "garbage", GarbageMode.TRUNCATED, GarbageMode.OFF, "every frame cut short, then whole"
    ),
    "close_mid_reply": _switch(
        "close_mid_reply", True, description="half a reply, then the connection closes"
    ),
    "close_before_end": _switch(
        "close_before_last", True, description="every value, then it closes before the end marker"
    ),
    "reset_mid_reply": _switch(
        "reset_mid_reply", True, description="half a reply, then the connection is reset"
    ),
    "silent": _switch("silent", True, description="accepts connections, never answers"),
    "reply_errors": _switch("reply_errors", True, description="answers every command with ERR"),
    "odd_samples": _switch(
        "odd_samples", True, description="a SAMPLE of another shape before every reply"
    ),
    "lose_value": _switch(
        "lose_value", True, description="one channel value lost from the next reply (once)"
    ),
    "packet_loss": Action(
        _loss, lambda r, _c, _p: r.configure(loss=0.0), params={"share": "share"},
        description="UDP: drop `share` (default 0.3) of the reply datagrams",
    ),
    "duplicates": _switch("duplicate", True, description="UDP: every reply datagram twice"),
    "reordering": _switch("reorder", True, description="UDP: reply datagrams shuffled"),
}  # fmt: skip
