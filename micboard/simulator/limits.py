"""The open-file limit a large fleet needs: one socket per receiver, and one per client."""

from __future__ import annotations

import resource

SPARE_FILES = 256
"""Beyond one listening socket per receiver: clients' connections, the event loop, logs."""


def raise_open_file_limit(receivers: int) -> int:
    """Raise the soft ``RLIMIT_NOFILE`` to the hard limit when ``receivers`` need more than
    the soft one allows; returns the limit in force. Raises ``OSError`` when even the hard
    limit is too low, saying what to raise."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = soft_limit_for(receivers, soft, hard)
    if wanted != soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


def soft_limit_for(receivers: int, soft: int, hard: int) -> int:
    """The soft limit ``receivers`` need: ``soft`` when it is enough, else ``hard``."""
    needed = receivers + SPARE_FILES
    if soft == resource.RLIM_INFINITY or needed <= soft:
        return soft
    if hard != resource.RLIM_INFINITY and needed > hard:
        raise OSError(
            f"{receivers} receivers need about {needed} open files, and this process may "
            f"open at most {hard} (the hard limit, `ulimit -Hn`): raise it, for example "
            f"with LimitNOFILE= in a systemd unit or nofile in /etc/security/limits.conf"
        )
    return hard
