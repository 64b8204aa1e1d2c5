"""The open-file limit is raised to the hard limit only when a fleet needs it."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from micboard.simulator.limits import SPARE_FILES, raise_open_file_limit, soft_limit_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def limits() -> Iterator[tuple[int, int]]:
    saved = resource.getrlimit(resource.RLIMIT_NOFILE)
    yield saved
    resource.setrlimit(resource.RLIMIT_NOFILE, saved)


def test_a_small_fleet_keeps_the_soft_limit(limits: tuple[int, int]) -> None:
    _, hard = limits
    resource.setrlimit(resource.RLIMIT_NOFILE, (SPARE_FILES + 10, hard))

    assert raise_open_file_limit(10) == SPARE_FILES + 10
    assert resource.getrlimit(resource.RLIMIT_NOFILE) == (SPARE_FILES + 10, hard)


def test_a_large_fleet_raises_the_soft_limit_to_the_hard_one(limits: tuple[int, int]) -> None:
    _, hard = limits
    resource.setrlimit(resource.RLIMIT_NOFILE, (SPARE_FILES + 10, hard))

    assert raise_open_file_limit(11) == hard
    assert resource.getrlimit(resource.RLIMIT_NOFILE) == (hard, hard)


def test_the_soft_limit_a_fleet_needs() -> None:
    assert soft_limit_for(100, 1024, 4096) == 1024
    assert soft_limit_for(1000, 1024, 4096) == 4096
    assert soft_limit_for(10_000, resource.RLIM_INFINITY, resource.RLIM_INFINITY) == (
        resource.RLIM_INFINITY
    )
    assert soft_limit_for(10_000, 1024, resource.RLIM_INFINITY) == resource.RLIM_INFINITY


def test_a_fleet_beyond_the_hard_limit_says_what_to_raise() -> None:
    with pytest.raises(OSError, match=r"4000 receivers need about 4256 open files.*at most 4096"):
        soft_limit_for(4000, 1024, 4096)


def test_the_simulator_refuses_a_fleet_its_hard_limit_cannot_hold() -> None:
    def low_limits() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (512, 512))

    result = subprocess.run(
        [sys.executable, "-m", "micboard.simulator", "--count", "300", "--hosts", "127.0.0.2"],
        cwd=ROOT,
        preexec_fn=low_limits,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "300 receivers need about 556 open files" in result.stderr
    assert "at most 512 (the hard limit, `ulimit -Hn`)" in result.stderr
