"""``manage.py micboard_simulate``: run a simulated fleet and register it in a venue.

Receivers share one host (``--base-port``, default 24000) or each has its own address at
the device port (``--hosts 127.0.0.2-127.0.0.200``), and are registered at that address.
Registration goes through the device and location services and is idempotent: a rerun
with the same addresses updates the same receivers instead of adding new ones. With
``--replace``, the venue's receivers on the simulator's hosts or on loopback addresses that
this run does not simulate (left by an earlier, larger run or other addresses) are removed.
"""

from __future__ import annotations

import ipaddress
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.composition import device_service, location_service
from micboard.exceptions import MicboardError
from micboard.models import Venue
from micboard.selectors import listings
from micboard.services.dto import ReceiverInput
from micboard.services.scheduling import schedules_apply
from micboard.services.validation import normalize_host
from micboard.simulator import ScenarioError, Simulation, plan_simulation
from micboard.simulator.arguments import add_address_arguments, add_sscv2_arguments
from micboard.simulator.limits import raise_open_file_limit

DEFAULT_BASE_PORT = 24000
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Command(BaseCommand):
    help = "Simulate receivers on loopback ports and register them in a venue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--venue", required=True, help="venue slug (created if missing)")
        parser.add_argument("--count", type=int, help="receivers (default: one per model)")
        parser.add_argument("--models", default="", help="comma-separated models, round-robin")
        parser.add_argument("--families", default="", help="comma-separated families, or all")
        parser.add_argument("--scenario", type=Path, help="scenario file (YAML or JSON)")
        add_address_arguments(parser)
        add_sscv2_arguments(parser)
        parser.add_argument("--poll-interval", type=int, default=5)
        parser.add_argument("--seed", type=int)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="remove the venue's receivers on the simulator's hosts or on loopback addresses "
            "that this run does not simulate (left by an earlier run)",
        )
        parser.add_argument(
            "--exit-after", type=float, default=0.0, help="stop after N seconds (0: Ctrl-C)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] is not None and options["count"] < 1:
            raise CommandError("--count must be at least 1")
        try:
            simulation = plan_simulation(
                count=options["count"],
                models=_names(options["models"]),
                families=_names(options["families"]),
                scenario=options["scenario"],
                host=options["host"],
                base_port=options["base_port"],
                hosts=options["hosts"],
                port=options["port"],
                seed=options["seed"],
                default_base_port=DEFAULT_BASE_PORT,
                sscv2=options["sscv2"],
                sscv2_password=options["sscv2_password"],
            )
        except (ScenarioError, MicboardError, ValueError) as error:
            raise CommandError(str(error)) from None
        try:
            raise_open_file_limit(len(simulation.receivers))
            simulation.start()
        except OSError as error:
            raise CommandError(f"cannot start the simulator: {error}") from None
        try:
            venue = self._register(simulation, options["venue"], options["poll_interval"])
            if options["replace"]:
                self._remove_others(simulation, venue)
            self.stdout.write(
                f"simulating {len(simulation.receivers)} receivers for venue {venue.slug!r}; "
                "Ctrl-C stops them"
            )
            _wait(options["exit_after"])
        finally:
            simulation.stop()

    def _register(self, simulation: Simulation, slug: str, poll_interval: int) -> Venue:
        venue = location_service().venue_get_or_create(
            name=slug.replace("-", " ").title(), slug=slug
        )
        devices = device_service()
        existing = {(r.host, r.port): r for r in listings.receivers_on_hosts(venue=venue)}
        for index, simulated in enumerate(simulation.receivers, start=1):
            data = ReceiverInput(
                name=f"Sim {index} {simulated.model}",
                model=simulated.model,
                host=simulated.host,
                port=simulated.port,
                poll_interval=poll_interval,
                # A simulated EW-DX in SSC v2 mode: its protocol and third-party password.
                protocol=getattr(simulated, "protocol", ""),
                device_password=getattr(simulated, "password", None),
            )
            try:
                current = existing.get((normalize_host(simulated.host), simulated.port))
                if current is None:
                    devices.receiver_register(venue=venue, data=data)
                else:
                    devices.receiver_update(receiver=current, data=data)
            except MicboardError as error:
                raise CommandError(
                    f"{simulated.model} at {simulated.host}:{simulated.port}: {error}"
                ) from None
            self.stdout.write(
                f"{simulated.model:<7} {simulated.host}:{simulated.port:<5} "
                f"{simulated.channel_count} ch  {simulated.device_id}"
            )
        schedules_apply()
        return venue

    def _remove_others(self, simulation: Simulation, venue: Venue) -> None:
        simulated = {(s.host, s.port) for s in simulation.receivers}
        hosts = {host for host, _ in simulated}
        devices = device_service()
        for receiver in listings.receivers_on_hosts(venue=venue):
            ours = receiver.host in hosts or _is_loopback(receiver.host)
            if ours and (receiver.host, receiver.port) not in simulated:
                devices.receiver_remove(receiver=receiver)
                self.stdout.write(f"removed {receiver.name} ({receiver.host}:{receiver.port})")


def _is_loopback(host: str) -> bool:
    """Only a simulator (or something else on this machine) answers there."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _wait(seconds: float) -> None:
    """Until SIGINT or SIGTERM, or ``seconds`` when above 0."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
    try:
        stop.wait(seconds or None)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
