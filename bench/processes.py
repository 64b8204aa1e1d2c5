"""Process accounting for the benchmark: CPU seconds and memory of a process tree."""

from __future__ import annotations

from dataclasses import dataclass

import psutil


@dataclass(frozen=True, slots=True)
class TreeUsage:
    cpu_seconds: float
    rss_bytes: list[int]


def tree_usage(pid: int) -> TreeUsage:
    """User+system CPU and per-process RSS of ``pid`` and all its descendants."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return TreeUsage(0.0, [])
    cpu, rss = 0.0, []
    for process in processes:
        try:
            times = process.cpu_times()
            cpu += times.user + times.system
            rss.append(process.memory_info().rss)
        except psutil.NoSuchProcess:
            continue
    return TreeUsage(cpu, rss)
