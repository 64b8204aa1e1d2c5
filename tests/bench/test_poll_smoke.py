"""The poll benchmark keeps working: two polls per case (figures not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_poll_benchmark_prints_every_case() -> None:
    result = subprocess.run(
        [sys.executable, "bench/poll.py", "--polls", "2", "--models", "QLXD4,AD4D"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 5 * 2
    assert all(
        row.endswith(("| all | 0 |", "| param | 0 |", "| all | 1 |", "| param | 1 |"))
        for row in rows
    )
