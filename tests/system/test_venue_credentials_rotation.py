"""Rotating and revoking one venue's credentials, as docs/deployment.md tells, against the
TLS PostgreSQL and the ACL'd Redis: the other venue's worker keeps syncing throughout."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import psycopg
import pytest
import redis

from micboard.devtools.processes import Child, ProcessGroup
from tests.conftest import StartFleet
from tests.system.secure_site import SecureSite, Venue, log_text, start_venue_worker
from tests.waiting import wait_for

pytestmark = pytest.mark.system

# Celery's line when a worker's broker connection drops (it then reconnects).
BROKER_LOST = "Connection to broker lost"


def _last_syncs(site: SecureSite, venue: Venue) -> dict[int, datetime | None]:
    rows = site.admin_sql(
        "SELECT id, last_sync_at FROM micboard_receiver WHERE id = ANY(%s)", (venue.receivers,)
    )
    return dict(rows)


def _sync_round(site: SecureSite, venue: Venue) -> None:
    """Ask the venue's worker for a sync of its receivers; wait until every one is newer."""
    before = _last_syncs(site, venue)
    site.publish("micboard.sync_receivers", [venue.receivers], venue.queue, venue=venue.slug)

    def all_newer() -> bool:
        after = _last_syncs(site, venue)
        return all(
            after[pk] is not None and (before[pk] is None or after[pk] > before[pk])  # type: ignore[operator]
            for pk in venue.receivers
        )

    wait_for(all_newer, timeout=60, what=f"{venue.slug}'s receivers to sync")


def _refused_by_database(site: SecureSite, login: str, password: str) -> bool:
    try:
        psycopg.connect(site.worker_database_url(login, password), connect_timeout=10).close()
    except psycopg.OperationalError:
        return True
    return False


def _refused_by_redis(site: SecureSite, user: str, password: str) -> bool:
    client = redis.Redis.from_url(site.worker_redis_url(user, password), socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.AuthenticationError:
        return True
    finally:
        client.close()
    return False


def _ready(worker: Child) -> None:
    wait_for(lambda: "ready" in log_text(worker), timeout=60, what=f"{worker.name} ready")


# Four worker starts, eight sync rounds and the session's TLS servers, on a shared machine.
@pytest.mark.timeout(300)
def test_rotating_and_revoking_one_venue_leaves_the_other_syncing(
    secure_site: SecureSite, start_fleet: StartFleet, processes: ProcessGroup, tmp_path: Path
) -> None:
    site = secure_site
    west_fleet, east_fleet = start_fleet("ULXD4D"), start_fleet("QLXD4")
    venues = site.add_venues(
        west=[(sim.model, sim.port) for sim in west_fleet.receivers],
        east=[(sim.model, sim.port) for sim in east_fleet.receivers],
    )
    west, east = venues["west"], venues["east"]
    west_login, west_db_password = site.venue_login(west)
    west_user, west_redis_password = site.redis_user(west)
    east_login, east_db_password = site.venue_login(east)
    east_user, east_redis_password = site.redis_user(east)

    def start(venue: Venue, login: str, db_password: str, user: str, redis_pw: str) -> Child:
        return start_venue_worker(
            processes,
            site,
            venue,
            site.worker_database_url(login, db_password),
            site.worker_redis_url(user, redis_pw),
            tmp_path,
        )

    west_worker = start(west, west_login, west_db_password, west_user, west_redis_password)
    east_worker = start(east, east_login, east_db_password, east_user, east_redis_password)
    _ready(west_worker)
    _ready(east_worker)
    _sync_round(site, west)
    _sync_round(site, east)

    # Rotation: the same commands with new passwords, then west's worker restarted with them.
    new_db_password, new_redis_password = "db-west-rotated", "redis-west-rotated"
    site.venue_login(west, new_db_password)
    site.redis_user(west, new_redis_password)
    assert _refused_by_database(site, west_login, west_db_password)
    assert _refused_by_redis(site, west_user, west_redis_password)
    _sync_round(site, east)
    processes.stop(west_worker)
    west_worker = start(west, west_login, new_db_password, west_user, new_redis_password)
    _ready(west_worker)
    _sync_round(site, west)
    _sync_round(site, east)

    # Revocation: west's role and user are gone, its sessions and connections ended.
    site.manage("micboard_db_roles", "--revoke", west_login)
    site.manage(
        "micboard_redis_acl", "--revoke", west_user, "--aclfile", str(site.redis.aclfile), "--apply"
    )
    assert _refused_by_database(site, west_login, new_db_password)
    assert _refused_by_redis(site, west_user, new_redis_password)
    assert site.admin_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = %s", (west_login,)
    ) == [(0,)]
    clients = site.admin_redis().client_list()
    assert not [client for client in clients if client.get("user") == west_user]
    # West's receivers are not synced any more; a fresh start is refused at once.
    west_before = _last_syncs(site, west)
    site.publish("micboard.sync_receivers", [west.receivers], west.queue, venue=west.slug)
    _sync_round(site, east)
    assert _last_syncs(site, west) == west_before
    processes.stop(west_worker)
    refused = start(west, west_login, new_db_password, west_user, new_redis_password)
    wait_for(lambda: refused.process.poll() is not None, timeout=60, what="west's worker to exit")
    assert refused.process.returncode != 0
    assert "refused this worker" in log_text(refused)

    # Nothing else changed: east's role, user and worker carried on without a reconnect.
    assert not _refused_by_database(site, east_login, east_db_password)
    assert not _refused_by_redis(site, east_user, east_redis_password)
    _sync_round(site, east)
    assert east_worker.process.poll() is None
    assert BROKER_LOST not in log_text(east_worker)
    assert site.admin_sql("SELECT count(*) FROM micboard_venue WHERE id = %s", (west.id,)) == [(1,)]
