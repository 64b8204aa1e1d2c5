"""The simulator capacity benchmark keeps working: a small fleet, both placements."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("placement", [[], ["--one-host"]], ids=["own addresses", "one host"])
def test_simulator_capacity_benchmark_prints_its_table(placement: list[str]) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "bench/simulator_capacity.py", "--series", "24", "--idle", "0.5",
         "--polls", "6", *placement],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    header, _, row = result.stdout.splitlines()[-3:]
    assert header.startswith("| receivers | placement | start | open files |")
    assert row.startswith("| 24 | ")
    assert "(6 polls)" in row
