"""Fleet simulator: simulated Shure and Sennheiser receivers on loopback ports for demos and tests.

Run ``python -m micboard.simulator --help``; ``manage.py micboard_simulate`` also
registers the receivers in a venue.
"""

from __future__ import annotations

from micboard.simulator.demo import (
    ALL_FAMILIES_MODELS,
    DEMO_MODELS,
    FAMILY_NAMES,
    SHURE_FAMILIES_MODELS,
    check_model,
    demo_models,
    demo_specs,
    models_of_families,
    specs_for_models,
)
from micboard.simulator.plan import plan_simulation
from micboard.simulator.running import Simulation, SimulationOptions
from micboard.simulator.scenario_file import Scenario, ScenarioError, load_scenario

__all__ = [
    "ALL_FAMILIES_MODELS",
    "DEMO_MODELS",
    "FAMILY_NAMES",
    "SHURE_FAMILIES_MODELS",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "SimulationOptions",
    "check_model",
    "demo_models",
    "demo_specs",
    "load_scenario",
    "models_of_families",
    "plan_simulation",
    "specs_for_models",
]
