"""The ``micboard`` console command."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from micboard import __version__
from micboard.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"micboard {__version__}\n"


def test_without_arguments_it_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out.startswith("usage: micboard")


def test_the_console_script_points_at_main() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["micboard"] == "micboard.cli:main"


def test_it_runs_as_a_module_without_django() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "micboard.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.stdout == f"micboard {__version__}\n"
