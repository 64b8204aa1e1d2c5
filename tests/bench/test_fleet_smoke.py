"""The fleet benchmark keeps working: a few receivers of both vendors for a few seconds, with
the CPU per sync per vendor (figures not checked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.system
def test_fleet_benchmark_runs_and_prints_its_table(tmp_path: Path) -> None:
    run_id = os.environ["MICBOARD_TEST_RUN_ID"]
    env = {
        **os.environ,
        "REDIS_URL": os.environ["REDIS_URL"],
        "MICBOARD_QUEUE_PREFIX": f"test.{run_id}.bench.",
        "MICBOARD_KEY_PREFIX": f"micboard-test-{run_id}-bench",
        "MICBOARD_HOUSEKEEPING_QUEUE": f"test.{run_id}.bench-housekeeping",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603
        [
            sys.executable, "bench/fleet.py", "--receivers", "4", "--silent", "1",
            "--interval", "2", "--workers", "1", "--warmup", "3", "--duration", "3",
            "--noops", "50", "--timeline", str(tmp_path / "timeline.csv"),
            "--models", "ULXD4Q,EW-DX-EM-2", "--vendor-passes", "1",
            "--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    rows = (
        "syncs/s (expected N/T)",
        "no-op ceiling",
        "queries / sync",
        "of which silent",
        "worker CPU s / 1000 Shure syncs",
        "worker CPU s / 1000 Sennheiser syncs",
    )
    for row in rows:
        assert row in result.stdout
    header, *seconds = (tmp_path / "timeline.csv").read_text().splitlines()
    assert header == "second,fresh_t,fresh_2t,oldest_s,syncs,queue_depth"
    assert [int(line.split(",")[0]) for line in seconds] == list(range(1, len(seconds) + 1))
    assert len(seconds) >= 3
