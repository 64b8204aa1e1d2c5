"""Simulated Sennheiser receivers on real loopback sockets, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from micboard.integrations.sennheiser.families import family_of
from micboard.integrations.sennheiser.simulator.receiver import SimulatedReceiver

StartReceiver = Callable[[str], SimulatedReceiver]


@pytest.fixture
def start_receiver() -> Iterator[StartReceiver]:
    started: list[SimulatedReceiver] = []

    def start(model: str) -> SimulatedReceiver:
        family, channels = family_of(model)
        receiver = SimulatedReceiver(family, channels, port=0).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()
