"""A running simulation: a fleet of receivers and, optionally, a scenario's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from micboard.integrations.shure.fleet import Address, Fleet
from micboard.integrations.shure.simulator import SimulatedReceiver
from micboard.integrations.shure.specs import ReceiverSpec
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


class Simulation:
    """Start with ``start()`` (or ``with``); every receiver listens on an address of its
    own (its own port on one host, or its own host)."""

    def __init__(self, specs: list[ReceiverSpec], options: SimulationOptions) -> None:
        self.fleet = Fleet(
            specs,
            host=options.host,
            base_port=options.base_port,
            addresses=options.addresses,
            tick_interval=options.tick,
            battery_drain=options.drain,
            seed=options.seed,
        )
        apply_variations(options.firmware, self.fleet.receivers)
        self.timeline = Timeline(options.events, self.fleet.receivers)

    @property
    def receivers(self) -> list[SimulatedReceiver]:
        return self.fleet.receivers

    def start(self) -> None:
        self.fleet.start()
        self.timeline.start()

    def stop(self) -> None:
        self.timeline.stop()
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
