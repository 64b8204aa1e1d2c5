"""The built wheel and sdist: what they hold, and a fresh virtual environment that installs the
wheel from PyPI and runs micboard's commands (docs/adr/0019-one-installed-package.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from micboard import __version__

ROOT = Path(__file__).resolve().parents[1]
# Building and installing download setuptools and micboard's dependencies: bounded, not instant.
pytestmark = pytest.mark.timeout(900)
NOT_SHIPPED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".env",
    ".hypothesis",
    "var",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".coverage*",
)


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path


@dataclass(frozen=True)
class Installed:
    bin: Path
    site_packages: Path
    work: Path


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without its virtual environment, settings or coverage."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "DJANGO_SETTINGS_MODULE")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(("COVERAGE_", "MICBOARD_", "CELERY_"))
    }
    return {**env, **extra}


def run(argv: list[str | Path], *, timeout: float, **kwargs: object) -> str:
    """Run a command to completion; its output when it succeeds, a failure with it otherwise."""
    result = subprocess.run(  # noqa: S603, PLW1510 - fixed commands, no shell; checked below
        [str(arg) for arg in argv], capture_output=True, text=True, timeout=timeout, **kwargs
    )
    if result.returncode != 0:
        pytest.fail(f"{argv} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def pypi_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=15) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The sdist and the wheel built from it, from a copy of the source tree."""
    source = tmp_path_factory.mktemp("source") / "micboard"
    shutil.copytree(ROOT, source, ignore=NOT_SHIPPED)
    dist = source / "dist"
    run([sys.executable, "-m", "build", "--outdir", dist, source], timeout=300, env=clean_env())
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    return Built(wheel, sdist)


@pytest.fixture(scope="module")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A new virtual environment with the wheel and its dependencies installed from PyPI."""
    work = tmp_path_factory.mktemp("installed")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", venv], timeout=120)
    result = subprocess.run(  # noqa: S603 - a fixed command, no shell
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", built.wheel],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=clean_env(),
        cwd=work,
    )
    if result.returncode != 0:
        if not pypi_reachable() and os.environ.get("CI") != "true":
            pytest.skip("PyPI is unreachable: the wheel's dependencies cannot be installed")
        pytest.fail(f"pip install of the wheel failed:\n{result.stdout}\n{result.stderr}")
    (site_packages,) = venv.glob("lib/python*/site-packages")
    return Installed(venv / "bin", site_packages, work)


def wheel_files(built: Built) -> set[str]:
    with zipfile.ZipFile(built.wheel) as wheel:
        return set(wheel.namelist())


def test_twine_check_passes(built: Built) -> None:
    output = run(
        [sys.executable, "-m", "twine", "check", "--strict", built.wheel, built.sdist],
        timeout=120,
        env=clean_env(),
    )
    assert output.count("PASSED") == 2


def test_the_wheel_holds_one_top_level_package(built: Built) -> None:
    tops = {name.split("/")[0] for name in wheel_files(built)}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"micboard"}


def test_the_wheel_holds_templates_static_files_migrations_and_the_project(built: Built) -> None:
    files = wheel_files(built)
    shipped = {
        path.relative_to(ROOT).as_posix()
        for folder in ("templates", "static", "migrations")
        for path in (ROOT / "micboard" / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped, "the checkout has no templates, static files or migrations"
    assert sorted(shipped - files) == []
    assert {
        "micboard/py.typed",
        "micboard/project/settings.py",
        "micboard/project/wsgi.py",
        "micboard/workers/celery.py",
        "micboard/workers/tasks.py",
    } <= files


def test_site_packages_holds_no_top_level_config_or_workers(installed: Installed) -> None:
    entries = {path.name for path in installed.site_packages.iterdir()}
    assert "micboard" in entries
    assert not {"config", "workers", "config.py", "workers.py"} & entries


def test_micboard_version_runs(installed: Installed) -> None:
    output = run([installed.bin / "micboard", "--version"], timeout=60, cwd=installed.work)
    assert output == f"micboard {__version__}\n"


def test_a_worker_help_runs_with_the_packaged_celery_app(installed: Installed) -> None:
    argv = [installed.bin / "celery", "-A", "micboard.workers", "worker", "--help"]
    env = clean_env(PATH=f"{installed.bin}:/usr/bin:/bin")
    output = run(argv, timeout=120, cwd=installed.work, env=env)
    assert "Start worker instance." in output
    assert "--queues" in output
    # The help needs the app: a module that is not there fails.
    missing = subprocess.run(  # noqa: S603 - a fixed command, no shell
        [installed.bin / "celery", "-A", "micboard.nothing", "worker", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=installed.work,
        env=env,
        check=False,
    )
    assert missing.returncode != 0
    assert "Start worker instance." not in missing.stdout


def test_the_packaged_settings_load_the_app_and_register_its_tasks(installed: Installed) -> None:
    from micboard.workers.celery import app  # noqa: PLC0415 - the checkout's, to compare

    app.loader.import_default_modules()
    expected = sorted(name for name in app.tasks if name.startswith("micboard."))
    env = clean_env(
        PATH=f"{installed.bin}:/usr/bin:/bin",
        DJANGO_SETTINGS_MODULE="micboard.project.settings",
        SECRET_KEY="wheel-test-only",
        DATABASE_URL=f"sqlite:///{installed.work / 'micboard.sqlite3'}",
        STATIC_ROOT=str(installed.work / "static"),
    )
    common = {"timeout": 120, "cwd": installed.work, "env": env}
    assert "no issues" in run([installed.bin / "django-admin", "check"], **common)
    run([installed.bin / "django-admin", "migrate", "--verbosity", "0"], **common)
    listing = (
        "import django; django.setup()\n"
        "from micboard.workers import app\n"
        "app.loader.import_default_modules()\n"
        "print(*sorted(n for n in app.tasks if n.startswith('micboard.')))\n"
    )
    assert run([installed.bin / "python", "-c", listing], **common).split() == expected
