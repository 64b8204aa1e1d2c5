"""`manage.py micboard_demo` as a user runs it: every process starts, syncs, and stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ports import free_port, free_port_block
from tests.system.conftest import ROOT, child_database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]


def run_demo(tmp_path: Path, simulator_base_port: int) -> tuple[int, str, list[str]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "micboard.project.settings_test",
        "DATABASE_URL": child_database_url(),
        "MICBOARD_DEMO_PASSWORD": "demo-pass",
        "PYTHONUNBUFFERED": "1",
    }
    ports = [str(free_port()) for _ in range(2)]
    command = [
        sys.executable, "manage.py", "micboard_demo", "--receivers", "3",
        "--web-port", ports[0], "--flower-port", ports[1],
        "--simulator-base-port", str(simulator_base_port), "--poll-interval", "1",
        "--exit-after", "2", "--log-dir", str(tmp_path),
    ]  # fmt: skip
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
