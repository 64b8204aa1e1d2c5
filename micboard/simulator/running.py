"""A running simulation: Shure and Sennheiser receivers and, optionally, a scenario's timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

from micboard.integrations.sennheiser.simulator.fleet import SennheiserFleet
from micboard.integrations.shure.fleet import Address, Fleet
from micboard.integrations.shure.specs import receiver_spec
from micboard.simulator.demo import is_sennheiser
from micboard.simulator.devices import SimulatedDevice
from micboard.simulator.firmware import apply_variations
from micboard.simulator.scenario_file import Event, Variation
from micboard.simulator.timeline import Timeline


@dataclass(frozen=True, slots=True)
class SimulationOptions:
    host: str = "127.0.0.1"
    base_port: int = 0
    addresses: tuple[Address, ...] | None = None
    """Each receiver's own address; ``None``: every receiver on ``host``."""
    tick: float = 1.0
    drain: float = 1.0
    seed: int | None = None
    events: tuple[Event, ...] = ()
    firmware: tuple[Variation, ...] = ()
    sscv2: bool = False
    """EW-DX receivers serve SSC v2 (HTTPS) instead of SSC v1 (UDP)."""
    sscv2_password: str = ""


class Simulation:
    """Start with ``start()`` (or ``with``); every receiver listens on an address of its
    own (its own port on one host, or its own host). ``models[i]`` is the ``i``-th
    receiver; Shure models run in ``fleet``, Sennheiser models in ``ssc``, and
    ``receivers`` lists them all in that order for the scenario's timeline."""

    def __init__(self, models: Sequence[str], options: SimulationOptions) -> None:
        shure = [i for i, model in enumerate(models) if not is_sennheiser(model)]
        ssc = [i for i in range(len(models)) if i not in set(shure)]
        addresses = options.addresses
        if addresses is None and ssc and options.base_port:
            addresses = tuple((options.host, options.base_port + i) for i in range(len(models)))
        self.fleet = Fleet(
            [receiver_spec(models[i], i) for i in shure],
            host=options.host,
            base_port=options.base_port,
            addresses=None if addresses is None else [addresses[i] for i in shure],
            tick_interval=options.tick,
            battery_drain=options.drain,
            seed=options.seed,
        )
        self.ssc = SennheiserFleet(
            [models[i] for i in ssc],
            [addresses[i] if addresses else (options.host, 0) for i in ssc],
            tick_interval=options.tick,
            battery_drain=options.drain,
            indexes=ssc,
            seed=options.seed,
            sscv2=options.sscv2,
            sscv2_password=options.sscv2_password,
        )
        by_index: dict[int, SimulatedDevice] = dict(zip(shure, self.fleet.receivers, strict=True))
        by_index.update(zip(ssc, self.ssc.receivers, strict=True))
        self.receivers: list[SimulatedDevice] = [by_index[i] for i in range(len(models))]
        apply_variations(options.firmware, self.receivers)
        self.timeline = Timeline(options.events, self.receivers)

    def start(self) -> None:
        self.fleet.start()
        try:
            self.ssc.start(taken={(r.host, r.port) for r in self.fleet.receivers})
        except OSError:
            self.fleet.stop()
            raise
        self.timeline.start()

    def stop(self) -> None:
        self.timeline.stop()
        self.ssc.stop()
        self.fleet.stop()

    def __enter__(self) -> Simulation:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
