"""Redis ACL users for venue workers: only the commands and keys one venue's worker uses.

The commands are those Celery's Redis transport and micboard send; the keys are limited to
what one venue's worker touches, as far as the transport allows (docs/adr/0032).

A line of an ACL file (``aclfile``) per venue worker is built here; ``redis-server`` reads
the file at start and on ``ACL LOAD``. Passwords are stored as their SHA-256 (``#<hex>``),
so the file holds no password in clear.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from micboard.infrastructure import keys

# Commands, and no others: no FLUSHALL, FLUSHDB, CONFIG, KEYS, SCAN, DEBUG, SHUTDOWN, ACL,
# MONITOR, CLIENT KILL, MIGRATE, SWAPDB, MODULE, ...
WORKER_COMMANDS = (
    # connecting (redis-py sends AUTH and SELECT; health checks PING). CLIENT SETINFO, which
    # redis-py sends to Redis 7.2 and ignores when refused, is left out: 7.0 lacks it.
    "auth",
    "hello",
    "ping",
    "select",
    "client|setname",
    "client|id",
    "echo",
    "quit",
    "reset",
    # Kombu's Redis transport: queues (lists), the unacked hash and index, bindings (sets),
    # fanout over pub/sub, transactions around the unacked bookkeeping, its Lua scripts
    "brpop",
    "lpush",
    "rpush",
    "rpop",
    "llen",
    "hset",
    "hget",
    "hdel",
    "zadd",
    "zrem",
    "zrange",
    "zrangebyscore",
    "zrevrangebyscore",
    "sadd",
    "srem",
    "smembers",
    "publish",
    "subscribe",
    "psubscribe",
    "unsubscribe",
    "punsubscribe",
    "multi",
    "exec",
    "discard",
    "watch",
    "unwatch",
    # micboard: locks (SET NX EX and Lua release/extend), pending marks, wall versions
    "set",
    "get",
    "mget",
    "del",
    "exists",
    "expire",
    "incr",
    "incrby",
    "time",
    "evalsha",
    "eval",
    "script|load",
    "script|exists",
)

# Without a line of its own, Redis's default user is on with no password and every right.
DEFAULT_USER_OFF = "user default off"
USER_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
# The binding tables Kombu keeps per exchange (with their deadlines and permanent sets),
# and the queues of remote control (each worker's, and the replies).
SHARED_KEYS = ("_kombu.binding*", "*.celery.pidbox*")


@dataclass(frozen=True, slots=True)
class WorkerAcl:
    """What one venue's worker may reach in Redis."""

    user: str
    password_sha256: str
    queue: str
    venue_id: int
    key_prefix: str
    housekeeping_queue: str
    unacked_prefix: str
    database: int = 0
    priority_sep: str = ":"

    def keys(self) -> list[str]:
        """Read and write key patterns (``~``)."""
        p = self.key_prefix
        return [
            self.queue,
            f"{self.queue}{self.priority_sep}*",  # its priority lists
            *SHARED_KEYS,
            f"{self.unacked_prefix}*",  # its own unacked hash, index and mutex
            keys.prefixed(p, keys.receiver_lock(0)).removesuffix("0") + "*",
            keys.prefixed(p, keys.resync_pending(0)).removesuffix("0") + "*",
            keys.prefixed(p, keys.dispatch_lock(self.venue_id)),
            keys.prefixed(p, keys.dispatch_queued(self.venue_id)),
            keys.prefixed(p, keys.wall_version(self.venue_id)),
            keys.prefixed(p, keys.wall_version(None)),
        ]

    def write_only_keys(self) -> list[str]:
        """Write-only patterns (``%W~``): the housekeeping queue its alerts publish to."""
        return [self.housekeeping_queue, f"{self.housekeeping_queue}{self.priority_sep}*"]

    def channels(self) -> list[str]:
        """Pub/sub channels (``&``): micboard's events, Celery's events and remote control.

        Redis checks a PSUBSCRIBE pattern literally against these, so remote control's is
        the exact topic Kombu subscribes to."""
        return [
            keys.prefixed(self.key_prefix, keys.EVENTS),
            f"/{self.database}.celeryev/*",
            f"/{self.database}.celery.pidbox",
        ]

    def line(self) -> str:
        parts = ["user", self.user, "on", f"#{self.password_sha256}", "resetkeys", "resetchannels"]
        parts.append("-@all")
        parts += [f"+{command}" for command in WORKER_COMMANDS]
        parts += [f"~{pattern}" for pattern in self.keys()]
        parts += [f"%W~{pattern}" for pattern in self.write_only_keys()]
        parts += [f"&{pattern}" for pattern in self.channels()]
        return " ".join(parts)


def central_line(*, user: str, password_sha256: str) -> str:
    """The central site's user: every command, key and channel (web, beat, housekeeping)."""
    return f"user {user} on #{password_sha256} resetkeys resetchannels ~* &* +@all"


def line_user(line: str) -> str:
    """The user an ACL file line is about."""
    return line.split()[1]


def line_rules(line: str) -> list[str]:
    """The line's rules, as ``ACL SETUSER`` takes them after the name."""
    return line.split()[2:]


def check_user_name(name: str) -> str:
    if not USER_NAME.match(name):
        raise ValueError(
            f"{name!r} is not a usable Redis user name (lower-case letters, digits, '.', '_' "
            "and '-', at most 63)"
        )
    return name


def password_hash(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def unacked_prefix(queue: str) -> str:
    """Where a venue worker keeps its unacked messages: its own, not every venue's."""
    return f"unacked.{queue}"
