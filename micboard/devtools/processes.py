"""A small supervisor: start child processes, notice when one dies, stop them all."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

# Signals that end a supervisor besides Ctrl-C: a process manager, ``kill``, a closed terminal.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class StopSignal(Exception):  # noqa: N818 - a signal, not an error
    """A stop signal arrived; the supervisor stops its children and exits."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise StopSignal(signum)


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Within the block SIGTERM and SIGHUP raise ``StopSignal``, as SIGINT raises
    ``KeyboardInterrupt``, so ``finally`` clauses stop what was started."""
    previous = {signum: signal.signal(signum, _raise_stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None


def _dies_with(parent_pid: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` that has the kernel send SIGTERM, the supervisor's own stop, to the
    child when its parent ends, even by SIGKILL (Linux only; elsewhere None). The kernel
    watches the thread that starts the child: start children from a thread that lives on."""
    if _prctl is None:
        return None
    prctl = _prctl

    def arrange() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # the parent ended before the request took hold
            os.kill(os.getpid(), signal.SIGTERM)

    return arrange


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]


@dataclass
class ProcessGroup:
    log_dir: Path
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        log_file = log_path.open("ab")
        # A session of its own: Ctrl-C reaches the supervisor, which stops children in order;
        # a supervisor killed outright takes its children with it.
        process = subprocess.Popen(  # noqa: S603
            argv,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_dies_with(os.getpid()),  # noqa: PLW1509 - one system call, no locks
        )
        child = Child(name, process, log_path, log_file)
        self.children.append(child)
        return child

    def first_exited(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def kill(self, child: Child) -> None:
        """SIGKILL one child and its process group, as a crash would."""
        os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait(timeout=10)

    def stop(self, child: Child, *, grace_seconds: float = 15.0) -> None:
        """SIGTERM one child (a warm shutdown), SIGKILL it after ``grace_seconds``."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.process.pid, signal.SIGTERM)
        try:
            child.process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            self.kill(child)

    def stop_all(self, *, grace_seconds: float = 10.0) -> None:
        for child in reversed(self.children):
            if child.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for child in self.children:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                child.process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait(timeout=5)
            child.log_file.close()
        self.children.clear()


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
