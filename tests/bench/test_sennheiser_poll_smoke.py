"""The Sennheiser poll benchmark keeps working: two polls per model (figures not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_sennheiser_poll_benchmark_prints_every_model() -> None:
    result = subprocess.run(
        [sys.executable, "bench/sennheiser_poll.py", "--polls", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 4
    assert not any("failed" in row for row in rows)


def test_with_sscv2_the_ewdx_is_polled_over_https() -> None:
    result = subprocess.run(
        [sys.executable, "bench/sennheiser_poll.py", "--polls", "2", "--sscv2",
         "--models", "EW-DX-EM-2,EM6000"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][1:]
    assert [row.split(" | ")[0] for row in rows] == ["| EW-DX-EM-2 (SSC v2)", "| EM6000"]
    assert not any("failed" in row for row in rows)
