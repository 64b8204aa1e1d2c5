"""Command-line options shared by the simulator and ``manage.py micboard_simulate``."""

from __future__ import annotations

import argparse

from micboard.integrations.sennheiser.simulator.https import DEFAULT_PASSWORD as SIMULATED_PASSWORD
from micboard.simulator.addresses import DEVICE_PORT, HostRange, parse_host_range, parse_port


def add_address_arguments(parser: argparse.ArgumentParser) -> None:
    """``--host``/``--base-port`` (every receiver on one address) or ``--hosts``/``--port``
    (each on its own), for this command and ``manage.py micboard_simulate``."""
    parser.add_argument("--host", help="one address for every receiver (default 127.0.0.1)")
    parser.add_argument(
        "--base-port", type=int, help="first port on --host (default 0: the OS picks each)"
    )
    parser.add_argument(
        "--hosts",
        type=_host_range,
        help="an address per receiver, in order: FIRST-LAST (127.0.0.2-127.0.0.200) or FIRST "
        "(and on)",
    )
    parser.add_argument(
        "--port", type=_port, help=f"the port of each --hosts address (default {DEVICE_PORT})"
    )


def add_sscv2_arguments(parser: argparse.ArgumentParser) -> None:
    """``--sscv2``: EW-DX receivers serve SSC v2 (HTTPS, basic authentication)."""
    parser.add_argument(
        "--sscv2",
        action="store_true",
        help="EW-DX receivers serve SSC v2 (HTTPS, port 443 at their own address) instead of "
        "SSC v1 over UDP",
    )
    parser.add_argument(
        "--sscv2-password",
        default=SIMULATED_PASSWORD,
        help="the third-party password of user 'api' (default: %(default)s)",
    )


def _host_range(text: str) -> HostRange:
    try:
        return parse_host_range(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _port(text: str) -> int:
    try:
        return parse_port(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
