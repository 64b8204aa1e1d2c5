"""Simulated receivers on real loopback sockets, stopped after each test."""

from __future__ import annotations

import pytest

from micboard.integrations.shure.fleet import Fleet
from tests.conftest import StartFleet

MODELS = ("ULXD4", "ULXD4D", "ULXD4Q", "QLXD4")


@pytest.fixture
def fleet(start_fleet: StartFleet) -> Fleet:
    """One receiver of every model, in ``MODELS`` order."""
    return start_fleet(*MODELS)
