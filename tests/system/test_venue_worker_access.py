"""A venue worker with its own database role and Redis user, over TLS with certificate
checking: it syncs its venue and nothing else, and a wrong CA stops it at start-up."""

from __future__ import annotations

import ssl
import time
from pathlib import Path

import psycopg
import pytest
import redis
from psycopg import errors as pg_errors

from micboard.devtools.processes import Child, ProcessGroup
from micboard.infrastructure import db_roles
from micboard.integrations.sennheiser.families import SSCV2_PROTOCOL, family_of
from micboard.integrations.sennheiser.simulator.https import (
    DEFAULT_PASSWORD,
    SimulatedHttpsReceiver,
)
from micboard.integrations.sennheiser.sscv2.client import certificate_fingerprint
from tests.conftest import StartFleet
from tests.system.secure_site import SecureSite, Venue, log_text, start_venue_worker
from tests.waiting import wait_for

pytestmark = pytest.mark.system


def _synced(site: SecureSite, receiver_ids: list[int]) -> bool:
    rows = site.admin_sql(
        "SELECT count(*) FROM micboard_receiver WHERE id = ANY(%s) AND last_sync_result = 'synced'",
        (receiver_ids,),
    )
    return rows[0][0] == len(receiver_ids)


def _worker_as_its_roles(
    site: SecureSite, venue: Venue, processes: ProcessGroup, tmp_path: Path
) -> Child:
    """A worker of ``venue`` with its own database login and Redis user, once ready."""
    login, db_password = site.venue_login(venue)
    user, redis_password = site.redis_user(venue)
    worker = start_venue_worker(
        processes,
        site,
        venue,
        site.worker_database_url(login, db_password),
        site.worker_redis_url(user, redis_password),
        tmp_path,
    )
    wait_for(lambda: "ready" in log_text(worker), timeout=60, what="the venue worker to be ready")
    return worker


def _dispatch_and_sync(site: SecureSite, venue: Venue) -> None:
    site.admin_sql(
        "UPDATE micboard_receiver SET next_sync_at = now() WHERE venue_id = %s", (venue.id,)
    )
    site.publish("micboard.dispatch_due_syncs", [venue.id], venue.queue)
    wait_for(lambda: _synced(site, venue.receivers), timeout=60, what=f"{venue.slug} synced")


def test_a_venue_worker_syncs_its_venue_through_tls_as_its_own_roles(
    secure_site: SecureSite, start_fleet: StartFleet, processes: ProcessGroup, tmp_path: Path
) -> None:
    site = secure_site
    north_fleet, south_fleet = start_fleet("ULXD4Q", "QLXD4"), start_fleet("ULXD4D")
    venues = site.add_venues(
        north=[(sim.model, sim.port) for sim in north_fleet.receivers],
        south=[(sim.model, sim.port) for sim in south_fleet.receivers],
    )
    north, south = venues["north"], venues["south"]
    worker = _worker_as_its_roles(site, north, processes, tmp_path)

    # A dispatch (reads its receivers, queues their batch, records the cycle) and the sync.
    _dispatch_and_sync(site, north)
    cycles = site.admin_sql(
        "SELECT due FROM micboard_dispatchcycle WHERE venue_id = %s", (north.id,)
    )
    assert cycles
    assert cycles[0][0] == len(north.receivers)
    channels = site.admin_sql(
        "SELECT count(*) FROM micboard_channel WHERE receiver_id = ANY(%s)", (north.receivers,)
    )
    assert channels[0][0] == 4 + 1  # ULXD4Q and QLXD4
    assert (
        site.admin_sql(
            "SELECT count(*) FROM micboard_telemetrysample s JOIN micboard_channel c "
            "ON c.id = s.channel_id WHERE c.receiver_id = ANY(%s)",
            (north.receivers,),
        )[0][0]
        == 5
    )

    # Given another venue's receiver, the north worker finds nothing: the row is not its.
    # One thread runs the two messages in order: the south one, then a north one.
    (before,) = site.admin_sql(
        "SELECT last_sync_at FROM micboard_receiver WHERE id = %s", (north.receivers[0],)
    )[0]
    site.publish("micboard.sync_receivers", [south.receivers], north.queue, venue=south.slug)
    site.publish("micboard.sync_receivers", [north.receivers[:1]], north.queue, venue=north.slug)
    wait_for(
        lambda: site.admin_sql(
            "SELECT last_sync_at > %s FROM micboard_receiver WHERE id = %s",
            (before, north.receivers[0]),
        )[0][0],
        timeout=60,
        what="the north receiver's second sync",
    )
    south_rows = site.admin_sql(
        "SELECT last_sync_at FROM micboard_receiver WHERE id = ANY(%s)", (south.receivers,)
    )
    assert south_rows == [(None,)]
    assert "refused" not in log_text(worker)
    assert worker.process.poll() is None


def test_a_venue_worker_pins_an_ssc_v2_certificate_as_its_own_roles(
    secure_site: SecureSite, processes: ProcessGroup, tmp_path: Path
) -> None:
    """The worker's roles decrypt the device password and write the first pin."""
    site = secure_site
    family, channels = family_of("EW-DX-EM-2")
    device = SimulatedHttpsReceiver(family, channels, port=0).start()
    try:
        spec = ("EW-DX-EM-2", device.port, SSCV2_PROTOCOL, DEFAULT_PASSWORD)
        venue = site.add_venues(rack=[spec])["rack"]
        worker = _worker_as_its_roles(site, venue, processes, tmp_path)
        _dispatch_and_sync(site, venue)
        pinned = site.admin_sql(
            "SELECT certificate_sha256, certificate_pinned_at IS NOT NULL FROM micboard_receiver "
            "WHERE id = %s",
            (venue.receivers[0],),
        )
        assert pinned[0][0] == certificate_fingerprint(
            ssl.PEM_cert_to_DER_cert(device.certificate_pem.decode())
        )
        assert pinned[0][1] is True
        assert "refused" not in log_text(worker)
    finally:
        device.stop()


def test_the_worker_role_reads_only_its_venue_and_no_other_table(secure_site: SecureSite) -> None:
    site = secure_site
    venues = site.add_venues(east=[("ULXD4Q", 1)], west=[("ULXD4Q", 2)])
    east, west = venues["east"], venues["west"]
    login, password = site.venue_login(east)
    tables = [
        row[0]
        for row in site.admin_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    allowed = db_roles.allowed_tables()
    assert "auth_user" in tables
    assert "micboard_apitoken" in tables
    with psycopg.connect(site.worker_database_url(login, password), autocommit=True) as conn:
        assert conn.execute(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        ).fetchone() == (True,)
        # Every table off the allow-list, whatever added it, is unreadable.
        for table in sorted(set(tables) - allowed):
            # Table names from pg_tables, quoted as identifiers.
            query = f'SELECT 1 FROM "{table}" LIMIT 1'.encode()  # noqa: S608
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(query)  # type: ignore[call-overload]
        # Its venue's receivers only; another venue's are not there at all.
        ids = [r[0] for r in conn.execute("SELECT id FROM micboard_receiver").fetchall()]
        assert ids == east.receivers
        assert conn.execute(
            "SELECT count(*) FROM micboard_receiver WHERE id = ANY(%s)", (west.receivers,)
        ).fetchone() == (0,)
        assert (
            conn.execute(
                "UPDATE micboard_receiver SET last_error = 'x' WHERE id = ANY(%s)",
                (west.receivers,),
            ).rowcount
            == 0
        )
        assert [r[0] for r in conn.execute("SELECT id FROM micboard_venue").fetchall()] == [east.id]
        # Not the columns an operator sets, not a webhook secret, not a new receiver.
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("UPDATE micboard_receiver SET host = 'elsewhere'")
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("SELECT secret_encrypted FROM micboard_contact")
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO micboard_dispatchcycle (venue_id, started_at, due, enqueued, "
                "skipped_locked, late, duration_ms) VALUES (%s, now(), 0, 0, 0, 0, 0)",
                (west.id,),
            )


def test_the_redis_user_reaches_only_its_venue(secure_site: SecureSite) -> None:
    site = secure_site
    venues = site.add_venues(uptown=[("ULXD4Q", 1)], downtown=[("ULXD4Q", 2)])
    uptown, downtown = venues["uptown"], venues["downtown"]
    user, password = site.redis_user(uptown)
    client = redis.Redis.from_url(site.worker_redis_url(user, password), socket_timeout=5)
    assert client.ping()
    client.lpush(uptown.queue, "m")
    assert client.llen(uptown.queue) == 1
    client.delete(uptown.queue)
    for command in (
        ("FLUSHALL",),
        ("FLUSHDB",),
        ("CONFIG", "GET", "*"),
        ("KEYS", "*"),
        ("SCAN", "0"),
        ("SWAPDB", "0", "1"),
        ("CLIENT", "KILL", "ID", "1"),
        ("ACL", "LIST"),
        ("MONITOR",),
        ("LRANGE", downtown.queue, "0", "-1"),
        ("LPUSH", downtown.queue, "m"),
        ("BRPOP", downtown.queue, "1"),
        ("SET", "micboard-test-other:anything", "1"),
    ):
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.execute_command(*command)
    # The housekeeping queue: it may publish its alerts' deliveries there, never read them.
    housekeeping = f"test.{site.run_id}.housekeeping"
    client.lpush(housekeeping, "m")
    with pytest.raises(redis.exceptions.NoPermissionError):
        client.lrange(housekeeping, 0, -1)
    site.admin_redis().delete(housekeeping)


@pytest.mark.parametrize("link", ["database", "redis"])
def test_a_wrong_ca_stops_the_worker_at_start_up(
    secure_site: SecureSite, processes: ProcessGroup, tmp_path: Path, link: str
) -> None:
    site = secure_site
    venue = site.add_venues(quay=[("ULXD4Q", 1)])["quay"]
    login, db_password = site.venue_login(venue)
    user, redis_password = site.redis_user(venue)
    wrong = site.wrong.ca_cert
    db_url = site.worker_database_url(login, db_password, ca=wrong if link == "database" else None)
    redis_url = site.worker_redis_url(user, redis_password, ca=wrong if link == "redis" else None)
    worker = start_venue_worker(processes, site, venue, db_url, redis_url, tmp_path)
    started = time.monotonic()
    wait_for(lambda: worker.process.poll() is not None, timeout=60, what="the worker to exit")
    assert worker.process.returncode != 0
    text = log_text(worker)
    assert f"the {link} refused this worker" in text
    assert "certificate verify failed" in text.lower()
    assert "ready" not in text
    assert time.monotonic() - started < 60
