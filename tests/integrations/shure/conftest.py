"""Simulated receivers on real loopback sockets, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.specs import receiver_spec

MODELS = ("ULXD4", "ULXD4D", "ULXD4Q", "QLXD4")

StartFleet = Callable[..., Fleet]


@pytest.fixture
def start_fleet() -> Iterator[StartFleet]:
    """Start a still fleet (no battery drain, fixed seed) of the given models."""
    fleets: list[Fleet] = []

    def start(*models: str, tick_interval: float = 1.0, battery_drain: float = 0.0) -> Fleet:
        specs = [receiver_spec(model, index) for index, model in enumerate(models)]
        fleet = Fleet(specs, tick_interval=tick_interval, battery_drain=battery_drain, seed=7)
        fleet.start(timeout=10)
        fleets.append(fleet)
        return fleet

    yield start
    for fleet in fleets:
        fleet.stop(timeout=10)


@pytest.fixture
def fleet(start_fleet: StartFleet) -> Fleet:
    """One receiver of every model, in ``MODELS`` order."""
    return start_fleet(*MODELS)
