"""The per-family sync benchmark keeps working on a mixed fleet (figures not checked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.system
def test_sync_profile_by_family_prints_every_family_and_vendor(tmp_path: Path) -> None:
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
            sys.executable, "bench/sync_profile.py", "--receivers", "10", "--rounds", "1",
            "--models", "mixed", "--by-family",
            "--database-url", f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    rows = {line.split("|")[1].strip() for line in result.stdout.splitlines() if "|" in line}
    families = {"ULXD", "QLXD", "SLXD", "AD", "UHFR", "PSM1000", "EWDX", "SLMCRDW", "D6000", "SLDW"}
    assert families | {"**Shure**", "**Sennheiser**", "**mixed fleet**"} <= rows
    assert "offline" not in result.stdout
