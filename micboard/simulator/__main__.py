"""``python -m micboard.simulator``: run simulated receivers until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from micboard.exceptions import DeviceError
from micboard.simulator import (
    FAMILY_NAMES,
    ScenarioError,
    Simulation,
    check_model,
    models_of_families,
    plan_simulation,
)
from micboard.simulator.arguments import add_address_arguments, add_sscv2_arguments
from micboard.simulator.devices import SimulatedDevice
from micboard.simulator.firmware import DESCRIPTIONS, parse_variation
from micboard.simulator.limits import raise_open_file_limit
from micboard.simulator.scenario_file import Variation

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        simulation = build_simulation(args)
    except (ScenarioError, DeviceError, ValueError) as error:
        parser.error(str(error))
    try:
        raise_open_file_limit(len(simulation.receivers))
    except OSError as error:
        print(f"cannot start the simulator: {error}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
    try:
        return _serve(simulation, stop, as_json=args.json)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def build_simulation(args: argparse.Namespace) -> Simulation:
    """The simulation the options and the scenario file ask for (options win)."""
    return plan_simulation(
        count=args.count,
        models=args.models,
        families=args.families,
        scenario=args.scenario,
        host=args.host,
        base_port=args.base_port,
        hosts=args.hosts,
        port=args.port,
        seed=args.seed,
        tick=args.tick,
        drain=args.drain,
        firmware=args.firmware,
        sscv2=args.sscv2,
        sscv2_password=args.sscv2_password,
    )


def describe(receiver: SimulatedDevice, *, as_json: bool) -> str:
    transport = receiver.transport
    if as_json:
        return json.dumps(
            {
                "model": receiver.model,
                "family": receiver.family_name,
                "transport": transport,
                "host": receiver.host,
                "port": receiver.port,
                "channels": receiver.channel_count,
                "device_id": receiver.device_id,
            }
        )
    return (
        f"{receiver.model:<7} {receiver.host}:{receiver.port:<5} {transport} "
        f"{receiver.channel_count} ch  {receiver.device_id}"
    )


def _serve(simulation: Simulation, stop: threading.Event, *, as_json: bool) -> int:
    try:
        simulation.start()
    except OSError as error:
        print(f"cannot start the simulator: {error}", file=sys.stderr)
        return 1
    try:
        for receiver in simulation.receivers:
            print(describe(receiver, as_json=as_json), flush=True)
        count = len(simulation.receivers)
        print(f"simulating {count} receivers; Ctrl-C to stop", file=sys.stderr, flush=True)
        stop.wait()
    finally:
        simulation.stop()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m micboard.simulator",
        description="Simulate Shure receivers (TCP, and UDP for UHF-R) and Sennheiser receivers "
        "(SSC over UDP; EW-DX with --sscv2 over HTTPS) on local ports.",
    )
    parser.add_argument("--count", type=_positive, help="receivers (default: one per model)")
    add_address_arguments(parser)
    add_sscv2_arguments(parser)
    parser.add_argument(
        "--models",
        type=_models,
        default=[],
        help="comma-separated models, assigned round-robin (default: the demo venue)",
    )
    parser.add_argument(
        "--families",
        type=_families,
        default=[],
        help=f"comma-separated families ({', '.join(FAMILY_NAMES)}) or 'all'",
    )
    parser.add_argument("--scenario", type=Path, help="a scenario file (YAML or JSON)")
    parser.add_argument("--seed", type=int, help="seed for meters and fault bytes")
    parser.add_argument("--tick", type=float, help="seconds per simulation tick (default 1)")
    parser.add_argument(
        "--drain", type=float, help="battery minutes drained per tick (default 1; 0: none)"
    )
    parser.add_argument(
        "--firmware",
        type=_variation,
        action="append",
        default=[],
        metavar="NAME[=RECEIVERS]",
        help="a firmware variation for some receivers (indexes or models, default all); "
        "repeatable: " + "; ".join(f"{name}: {text}" for name, text in DESCRIPTIONS.items()),
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per line")
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _models(text: str) -> list[str]:
    models = [name.strip().upper() for name in text.split(",") if name.strip()]
    try:
        for model in models:
            check_model(model)
    except DeviceError as error:
        raise argparse.ArgumentTypeError(error.message) from None
    if not models:
        raise argparse.ArgumentTypeError("name at least one model")
    return models


def _variation(text: str) -> Variation:
    try:
        return parse_variation(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _families(text: str) -> list[str]:
    names = [name for name in text.split(",") if name.strip()]
    try:
        models_of_families(names)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return names


if __name__ == "__main__":
    sys.exit(main())
