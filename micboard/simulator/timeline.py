"""Plays a scenario's events against a running fleet, on a thread of its own.

Each event starts at ``at`` seconds, is undone ``for`` seconds later and repeats every
``every`` seconds; the receivers' control methods are thread-safe, so the timeline only
sleeps until the next due step. A step that fails (a receiver the fleet cannot reach)
is reported and the timeline goes on.
"""

from __future__ import annotations

import heapq
import itertools
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from micboard.simulator.actions import ACTIONS, Apply
from micboard.simulator.devices import SimulatedDevice
from micboard.simulator.scenario_file import Event, ScenarioError
from micboard.simulator.selection import select_receivers

STOP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class _Target:
    receiver: SimulatedDevice
    channels: tuple[int, ...]


def targets(event: Event, receivers: Sequence[SimulatedDevice]) -> list[_Target]:
    """The receivers (and channels) an event applies to; raises ``ScenarioError``."""
    found = []
    for receiver in select_receivers(event.receivers, receivers, event.scenario):
        if event.channel is not None and event.channel > receiver.channel_count:
            raise ScenarioError(
                f"{event.scenario}: a {receiver.model} has no channel {event.channel}"
            )
        numbers = (event.channel,) if event.channel else range(1, receiver.channel_count + 1)
        found.append(_Target(receiver, tuple(numbers)))
    return found


class Timeline:
    def __init__(
        self,
        events: Sequence[Event],
        receivers: Sequence[SimulatedDevice],
        *,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self._steps: list[tuple[float, int, Event, bool]] = []
        self._order = itertools.count()
        self._targets = {id(event): targets(event, receivers) for event in events}
        self._report = report or (lambda text: print(text, file=sys.stderr, flush=True))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0.0
        for event in events:
            self._push(event.at, event, undo=False)

    def start(self) -> None:
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="micboard-timeline", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)

    def _push(self, at: float, event: Event, *, undo: bool) -> None:
        heapq.heappush(self._steps, (at, next(self._order), event, undo))

    def _run(self) -> None:
        while self._steps and not self._stop.is_set():
            at, _, event, undo = self._steps[0]
            if self._stop.wait(max(0.0, self._started + at - time.monotonic())):
                return
            heapq.heappop(self._steps)
            self._step(event, undo)
            if undo:
                continue
            action = ACTIONS[event.scenario]
            duration = event.duration
            if duration is None and action.undo_halfway and event.every:
                duration = event.every / 2
            if duration is not None and action.revert is not None:
                self._push(at + duration, event, undo=True)
            if event.every:
                self._push(at + event.every, event, undo=False)

    def _step(self, event: Event, undo: bool) -> None:
        action = ACTIONS[event.scenario]
        change: Apply | None = action.revert if undo else action.apply
        if change is None:
            return
        for target in self._targets[id(event)]:
            try:
                change(target.receiver, target.channels, event.params)
            except (ValueError, RuntimeError, TimeoutError) as error:
                self._report(f"{event.scenario} on {target.receiver.model} failed: {error}")
