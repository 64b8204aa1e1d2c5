"""`manage.py micboard_demo` as a user runs it: every process starts, syncs, and stops."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from micboard.selectors.access import api_token_for_key
from tests.ports import free_port, free_port_block
from tests.system.conftest import ROOT, child_database_url
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def demo_command(
    tmp_path: Path, simulator_base_port: int, receivers: int, **env: str
) -> tuple[list[str], dict[str, str], list[str]]:
    """The demo's command line on free ports, its environment, and its web and Flower ports."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "micboard.project.settings_test",
        "DATABASE_URL": child_database_url(),
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    ports = [str(free_port()) for _ in range(2)]
    command = [
        sys.executable, "manage.py", "micboard_demo", "--receivers", str(receivers),
        "--web-port", ports[0], "--flower-port", ports[1],
        "--simulator-base-port", str(simulator_base_port), "--poll-interval", "1",
        "--log-dir", str(tmp_path),
    ]  # fmt: skip
    return command, environment, ports


def run_demo(tmp_path: Path, simulator_base_port: int) -> tuple[int, str, list[str]]:
    command, env, ports = demo_command(
        tmp_path, simulator_base_port, 3, MICBOARD_DEMO_PASSWORD="demo-pass"
    )
    command += ["--exit-after", "2"]
    demo = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = demo.communicate(timeout=90)
    finally:
        if demo.poll() is None:
            demo.send_signal(signal.SIGINT)
            demo.wait(timeout=30)
    return demo.returncode, output, ports


def test_demo_runs_live_and_stops_everything(tmp_path: Path) -> None:
    returncode, output, ports = run_demo(tmp_path, free_port_block(3))
    assert returncode == 0, output
    assert "3 of 3 receivers online after" in output
    assert f"http://127.0.0.1:{ports[0]}/admin/" in output
    assert "password demo-pass" in output
    token = re.search(r"token (mbt_[A-Za-z0-9_-]+) ", output)
    assert token, output  # a ready API token, for the README's curl lines
    found = api_token_for_key(key=token.group(1))
    assert found is not None
    assert found.user.username == "admin"
    assert output.rstrip().endswith("demo stopped.")
    assert {p.name for p in tmp_path.glob("*.log")} >= {"simulator.log", "worker.log", "beat.log"}


def test_a_process_that_cannot_start_stops_the_demo_with_its_reason(tmp_path: Path) -> None:
    base = free_port_block(3)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", base + 1))
        taken.listen()
        returncode, output, _ = run_demo(tmp_path, base)
    assert returncode != 0
    assert "simulator exited with code 1" in output
    assert "Address already in use" in output
    assert "demo stopped." in output


def _children_of(pid: int) -> dict[int, str]:
    """Direct children of ``pid``, with their command lines, read from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found[int(stat.parent.name)] = cmdline.replace(b"\0", b" ").decode(errors="replace")
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_stops_everything_the_demo_started(
    tmp_path: Path, signum: signal.Signals
) -> None:
    command, env, _ = demo_command(
        tmp_path, free_port_block(2), 2, FLOWER_BASIC_AUTH="ops:flower-secret-in-env"
    )
    output = tmp_path / "demo.out"
    with output.open("w") as out:
        demo = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
    try:
        wait_for(lambda: "receivers online after" in output.read_text(), timeout=90,
                 what="the demo to come up")  # fmt: skip
        children = _children_of(demo.pid)
        assert len(children) >= 5, children  # simulator, worker, beat, Flower, web
        assert not [argv for argv in children.values() if "flower-secret-in-env" in argv]
        demo.send_signal(signum)
        assert demo.wait(timeout=60) == 0
    finally:
        if demo.poll() is None:
            demo.send_signal(signal.SIGINT)
            demo.wait(timeout=30)
    assert "demo stopped." in output.read_text()
    wait_for(lambda: all(_gone(pid) for pid in children), timeout=10, what="every child to end")
