"""Building a simulation from command-line options and a scenario file.

One way for the command line and ``manage.py micboard_simulate`` alike: explicit options
win over the file's ``fleet``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from micboard.integrations.sennheiser.families import SSC_PORT, SSCV2_PORT, speaks_sscv2
from micboard.integrations.shure.fleet import Address
from micboard.simulator.addresses import DEVICE_PORT, HostRange, assign_addresses
from micboard.simulator.demo import DEMO_MODELS, demo_models, is_sennheiser, models_of_families
from micboard.simulator.running import Simulation, SimulationOptions
from micboard.simulator.scenario_file import (
    FleetOptions,
    Scenario,
    ScenarioError,
    Variation,
    load_scenario,
)

T = TypeVar("T")


def plan_simulation(
    *,
    count: int | None = None,
    models: Sequence[str] = (),
    families: Sequence[str] = (),
    scenario: Path | None = None,
    host: str | None = None,
    base_port: int | None = None,
    hosts: HostRange | None = None,
    port: int | None = None,
    seed: int | None = None,
    tick: float | None = None,
    drain: float | None = None,
    firmware: Sequence[Variation] = (),
    default_base_port: int = 0,
    sscv2: bool = False,
    sscv2_password: str = "",
) -> Simulation:
    """Raises ``ScenarioError``, ``ValueError`` (a family, an address) or ``DeviceError``
    (a model). ``hosts`` (or the file's ``hosts``) gives each receiver its own address at
    ``port``; ``host`` and ``base_port`` put every receiver on one address instead. With
    ``sscv2``, EW-DX receivers serve SSC v2 (HTTPS, at port 443 of their own address)."""
    plan = load_scenario(scenario) if scenario else Scenario()
    fleet = plan.fleet
    chosen = tuple(models) or fleet.models or models_of_families(families) or DEMO_MODELS
    count = _first(count, fleet.count, default=len(chosen))
    receivers = demo_models(count, models=chosen)
    addresses = _addresses(
        count, fleet, host=host, base_port=base_port, hosts=hosts, port=port, scenario=scenario
    )
    if addresses is not None and port is None and fleet.port is None:
        # Each at its own address: a Sennheiser receiver at SSC's port (SSC v2: HTTPS's),
        # a Shure one at 2202.
        addresses = tuple(
            (h, _own_port(model, sscv2=sscv2)) if p == DEVICE_PORT else (h, p)
            for (h, p), model in zip(addresses, receivers, strict=True)
        )
    options = SimulationOptions(
        host=host or "127.0.0.1",
        base_port=_first(base_port, fleet.base_port, default=default_base_port),
        addresses=addresses,
        tick=_first(tick, fleet.tick, default=1.0),
        drain=_first(drain, fleet.drain, default=1.0),
        seed=seed if seed is not None else fleet.seed,
        events=plan.events,
        firmware=(*plan.firmware, *firmware),
        sscv2=sscv2,
        sscv2_password=sscv2_password,
    )
    return Simulation(receivers, options)


def _own_port(model: str, *, sscv2: bool) -> int:
    if sscv2 and speaks_sscv2(model):
        return SSCV2_PORT
    return SSC_PORT if is_sennheiser(model) else DEVICE_PORT


def _addresses(
    count: int,
    fleet: FleetOptions,
    *,
    host: str | None,
    base_port: int | None,
    hosts: HostRange | None,
    port: int | None,
    scenario: Path | None,
) -> tuple[Address, ...] | None:
    """Each receiver's own address, or ``None`` when all of them share one host."""
    one_host = host is not None or base_port is not None
    if hosts is not None and one_host:
        raise ValueError(
            "--hosts gives each receiver its own address; --host and --base-port put them "
            "all on one address: use one or the other"
        )
    plan = hosts or (None if one_host else fleet.hosts)
    if plan is None:
        if port is not None:
            raise ValueError(
                "--port is the port of each receiver's own address: give --hosts too "
                "(or --base-port to number the ports on one address)"
            )
        return None
    try:
        return tuple(assign_addresses(plan, count, _first(port, fleet.port, default=DEVICE_PORT)))
    except ValueError as error:
        if hosts is not None:
            raise ValueError(f"--hosts {hosts}: {error}") from None
        raise ScenarioError(f"{scenario}: fleet.hosts: {error}") from None


def _first(*values: T | None, default: T) -> T:
    """The first value given (not ``None``), else ``default``."""
    return next((value for value in values if value is not None), default)
