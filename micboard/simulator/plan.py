"""Building a simulation from command-line options and a scenario file.

One way for the command line and ``manage.py micboard_simulate`` alike: explicit options
win over the file's ``fleet``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from micboard.simulator.demo import DEMO_MODELS, demo_specs, models_of_families
from micboard.simulator.running import Simulation, SimulationOptions
from micboard.simulator.scenario_file import Scenario, Variation, load_scenario

T = TypeVar("T")


def plan_simulation(
    *,
    count: int | None = None,
    models: Sequence[str] = (),
    families: Sequence[str] = (),
    scenario: Path | None = None,
    host: str = "127.0.0.1",
    base_port: int | None = None,
    seed: int | None = None,
    tick: float | None = None,
    drain: float | None = None,
    firmware: Sequence[Variation] = (),
) -> Simulation:
    """Raises ``ScenarioError``, ``ValueError`` (a family) or ``DeviceError`` (a model)."""
    plan = load_scenario(scenario) if scenario else Scenario()
    fleet = plan.fleet
    chosen = tuple(models) or fleet.models or models_of_families(families) or DEMO_MODELS
    options = SimulationOptions(
        host=host,
        base_port=_first(base_port, fleet.base_port, default=0),
        tick=_first(tick, fleet.tick, default=1.0),
        drain=_first(drain, fleet.drain, default=1.0),
        seed=seed if seed is not None else fleet.seed,
        events=plan.events,
        firmware=(*plan.firmware, *firmware),
    )
    specs = demo_specs(_first(count, fleet.count, default=len(chosen)), models=chosen)
    return Simulation(specs, options)


def _first(*values: T | None, default: T) -> T:
    """The first value given (not ``None``), else ``default``."""
    return next((value for value in values if value is not None), default)
