from __future__ import annotations

import sys
from pathlib import Path

from micboard.devtools.processes import ProcessGroup, tail
from tests.waiting import wait_for


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


def test_tail_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert tail(tmp_path / "nothing.log") == ""
