"""``python -m micboard.integrations.sennheiser.simulator``: SSC receivers until Ctrl-C.

Each receiver has its own address at the SSC port, as on a venue LAN::

    python -m micboard.integrations.sennheiser.simulator \\
        --models EW-DX-EM-4-DANTE,EM6000,SL-MCR-4-DW --hosts 127.0.0.20 --port 4545

Port 45, the devices' own, needs the privilege to bind ports below 1024.
"""

from __future__ import annotations

import argparse
import sys
import time

from micboard.exceptions import DeviceError
from micboard.integrations.sennheiser.families import SSC_PORT, family_of
from micboard.integrations.sennheiser.simulator.fleet import SennheiserFleet
from micboard.simulator.addresses import assign_addresses, parse_host_range, parse_port


def parser() -> argparse.ArgumentParser:
    parse = argparse.ArgumentParser(prog="python -m micboard.integrations.sennheiser.simulator")
    parse.add_argument("--models", required=True, help="comma-separated, e.g. EW-DX-EM-2,EM6000")
    parse.add_argument("--count", type=int, help="receivers, models taken round-robin")
    parse.add_argument("--hosts", default="127.0.0.2", help="FIRST[-LAST], one address each")
    parse.add_argument("--port", default=str(SSC_PORT), help=f"default {SSC_PORT}")
    parse.add_argument(
        "--battery-drain", type=float, default=1.0, help="minutes of a 600-minute charge per tick"
    )
    parse.add_argument("--tick-interval", type=float, default=60.0, help="seconds")
    parse.add_argument("--exit-after", type=float, default=0.0, help="0: until Ctrl-C")
    parse.add_argument(
        "--sscv2", action="store_true", help="EW-DX receivers serve SSC v2 (HTTPS) instead"
    )
    parse.add_argument("--sscv2-password", default="", help="default: the simulator's own")
    return parse


def main(argv: list[str] | None = None) -> int:
    options = parser().parse_args(argv)
    models = [m for m in options.models.split(",") if m.strip()]
    try:
        for model in models:
            family_of(model)
        count = options.count or len(models)
        chosen = [models[i % len(models)] for i in range(count)]
        addresses = assign_addresses(
            parse_host_range(options.hosts), count, parse_port(options.port)
        )
    except (ValueError, DeviceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    fleet = SennheiserFleet(
        chosen,
        addresses,
        tick_interval=options.tick_interval,
        battery_drain=options.battery_drain,
        sscv2=options.sscv2,
        sscv2_password=options.sscv2_password,
    )
    try:
        fleet.start()
    except OSError as error:
        print(f"error: {error.strerror or error}", file=sys.stderr)
        return 1
    for model, (host, port) in zip(chosen, addresses, strict=True):
        print(f"{model} at {host}:{port}", flush=True)
    try:
        started = time.monotonic()
        while not options.exit_after or time.monotonic() - started < options.exit_after:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        fleet.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
