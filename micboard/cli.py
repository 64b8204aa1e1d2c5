"""The ``micboard`` command: ``micboard --version`` prints the installed version.

The project's own commands run through ``manage.py`` (whose ``--version`` is Django's).
"""

from __future__ import annotations

import argparse
import sys

from micboard import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="micboard",
        description="micboard: monitoring of wireless microphone receivers across venues.",
        epilog="Operations run through `python manage.py` (micboard_health, micboard_schedules).",
    )
    parser.add_argument("--version", action="version", version=f"micboard {__version__}")
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
