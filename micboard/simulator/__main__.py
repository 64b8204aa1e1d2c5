"""``python -m micboard.simulator``: run simulated receivers until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from types import FrameType

from micboard.exceptions import DeviceError
from micboard.integrations.shure.fleet import Fleet
from micboard.integrations.shure.simulator import SimulatedReceiver
from micboard.integrations.shure.values import receiver_model
from micboard.simulator import DEMO_MODELS, demo_specs, specs_for_models

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    models: list[str] = args.models
    specs = demo_specs(args.count) if not models else specs_for_models(models, args.count)
    fleet = Fleet(
        specs,
        host=args.host,
        base_port=args.base_port,
        tick_interval=args.tick,
        battery_drain=args.drain,
        seed=args.seed,
    )
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
    try:
        return _serve(fleet, stop, as_json=args.json)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _serve(fleet: Fleet, stop: threading.Event, *, as_json: bool) -> int:
    try:
        fleet.start()
    except OSError as error:
        print(f"cannot start the simulator: {error}", file=sys.stderr)
        return 1
    try:
        for receiver in fleet.receivers:
            print(_describe(receiver, as_json=as_json), flush=True)
        count = len(fleet.receivers)
        print(f"simulating {count} receivers; Ctrl-C to stop", file=sys.stderr, flush=True)
        stop.wait()
    finally:
        fleet.stop()
    return 0


def _describe(receiver: SimulatedReceiver, *, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {
                "model": receiver.model,
                "host": receiver.host,
                "port": receiver.port,
                "channels": receiver.channel_count,
                "device_id": receiver.spec.device_id,
            }
        )
    return (
        f"{receiver.model:<7} {receiver.host}:{receiver.port:<5} "
        f"{receiver.channel_count} ch  {receiver.spec.device_id}"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m micboard.simulator",
        description="Simulate Shure ULX-D / QLX-D receivers on local TCP ports.",
    )
    parser.add_argument(
        "--count", type=_positive, default=len(DEMO_MODELS), help="receivers (default 8)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--base-port", type=int, default=0, help="first port (default 0: the OS picks each)"
    )
    parser.add_argument(
        "--models",
        type=_models,
        default=[],
        help="comma-separated models, assigned round-robin (default: the demo venue)",
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for meters and fault bytes")
    parser.add_argument("--tick", type=float, default=1.0, help="seconds per simulation tick")
    parser.add_argument(
        "--drain", type=float, default=1.0, help="battery minutes drained per tick (0: none)"
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
            receiver_model(model)
    except DeviceError as error:
        raise argparse.ArgumentTypeError(error.message) from None
    if not models:
        raise argparse.ArgumentTypeError("name at least one model")
    return models


if __name__ == "__main__":
    sys.exit(main())
