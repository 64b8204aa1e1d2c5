"""A simulated receiver's fault switches: set all at once, or one by one as properties."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from micboard.integrations.shure.simulator.faults import Behaviour, GarbageMode


class Switches:
    """Holds a ``Behaviour``, replaced as a whole under a lock, so readers in the event loop
    always see one consistent set; safe from any thread."""

    def __init__(self) -> None:
        self._behaviour = Behaviour()
        self._behaviour_lock = threading.Lock()

    @property
    def behaviour(self) -> Behaviour:
        return self._behaviour

    def configure(self, **switches: Any) -> None:
        """Change fault switches by name (see ``Behaviour``), atomically."""
        with self._behaviour_lock:
            self._behaviour = dataclasses.replace(self._behaviour, **switches)

    @property
    def silent(self) -> bool:
        """Accept connections and never answer."""
        return self._behaviour.silent

    @silent.setter
    def silent(self, value: bool) -> None:
        self.configure(silent=value)

    @property
    def close_mid_reply(self) -> bool:
        """Send the first half of each reply, then close."""
        return self._behaviour.close_mid_reply

    @close_mid_reply.setter
    def close_mid_reply(self, value: bool) -> None:
        self.configure(close_mid_reply=value)

    @property
    def split_segments(self) -> bool:
        """Dribble everything out a few bytes per write."""
        return self._behaviour.split_segments

    @split_segments.setter
    def split_segments(self, value: bool) -> None:
        self.configure(split_segments=value)

    @property
    def reply_errors(self) -> bool:
        """Answer every command with an error."""
        return self._behaviour.reply_errors

    @reply_errors.setter
    def reply_errors(self, value: bool) -> None:
        self.configure(reply_errors=value)

    @property
    def latency(self) -> float:
        """Seconds to wait before answering what arrived in one read."""
        return self._behaviour.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.configure(latency=seconds)

    @property
    def garbage(self) -> GarbageMode:
        return self._behaviour.garbage

    @garbage.setter
    def garbage(self, mode: GarbageMode) -> None:
        self.configure(garbage=mode)
