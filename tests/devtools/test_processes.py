from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from micboard.devtools.processes import ProcessGroup, tail
from tests.waiting import wait_for

# A supervisor that starts one long sleeper, prints the sleeper's pid and waits.
SUPERVISOR = """
import sys, time
from pathlib import Path
from micboard.devtools.processes import ProcessGroup
group = ProcessGroup(Path(sys.argv[1]))
child = group.start("sleeper", [sys.executable, "-c", "import time; time.sleep(120)"], {})
print(child.process.pid, flush=True)
time.sleep(120)
"""


def running(pid: int) -> bool:
    """True while ``pid`` runs; a zombie nobody has reaped yet has ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_group_notices_an_exit_and_stops_the_rest(tmp_path: Path) -> None:
    group = ProcessGroup(tmp_path)
    sleeper = group.start("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], {})
    quitter = group.start(
        "quitter", [sys.executable, "-c", "print('bye'); raise SystemExit(3)"], {}
    )
    dead = wait_for(group.first_exited, timeout=10, what="the quitter to exit")
    assert dead is quitter
    assert dead.process.returncode == 3
    group.stop_all(grace_seconds=5)
    assert sleeper.process.returncode is not None
    assert tail(quitter.log_path) == "bye"
    assert group.children == []


def test_a_child_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    group = ProcessGroup(tmp_path)
    stubborn = group.start(
        "stubborn",
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(60)",
        ],
        {},
    )
    wait_for(lambda: tail(stubborn.log_path) == "ready", timeout=10)
    group.stop_all(grace_seconds=0.5)
    assert stubborn.process.returncode == -9


@pytest.mark.skipif(sys.platform != "linux", reason="the kernel's parent-death signal")
def test_children_end_when_their_supervisor_is_killed(tmp_path: Path) -> None:
    supervisor = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", SUPERVISOR, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert supervisor.stdout is not None
    sleeper = int(supervisor.stdout.readline())
    try:
        assert running(sleeper)
        os.kill(supervisor.pid, signal.SIGKILL)
        supervisor.wait(timeout=10)
        wait_for(lambda: not running(sleeper), timeout=10, what="the orphaned child to end")
    finally:
        supervisor.kill()
        supervisor.wait(timeout=10)
        if running(sleeper):
            os.kill(sleeper, signal.SIGKILL)


def test_tail_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert tail(tmp_path / "nothing.log") == ""
