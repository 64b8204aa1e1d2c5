"""Cost of a venue worker's database role: its grants and row-level security, per sync.

    .venv/bin/python bench/worker_roles.py --receivers 200 --batch-size 20 --rounds 5

Starts a throwaway PostgreSQL cluster with ``ssl = on`` (micboard/devtools/secure_links.py;
the machine's own PostgreSQL is not touched), connects to it with ``sslmode=verify-full``,
migrates it, applies ``micboard_db_roles`` and registers N simulated receivers in one venue.
Then it syncs them in batches, in this process, three ways, taking turns for ``--rounds``
rounds: as the cluster's owner (the central site), as the venue's login role with
row-level security, and as that role with grants only. It prints wall and CPU milliseconds
per sync and the queries per batch of each way. Figures are printed, never asserted;
docs/performance.md records them with the command.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fleet import BENCH_ENV, DEFAULT_MODELS, processes, register, start_simulator  # noqa: E402
from micboard.devtools.secure_links import PostgresCluster, make_authority  # noqa: E402

PASSWORD = "bench-only-admin-password"  # noqa: S105 - a throwaway server's
LOGIN = "venue_bench"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--receivers", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--models", default=DEFAULT_MODELS)
    args = parser.parse_args()
    certs = Path(tempfile.mkdtemp(prefix="micboard-bench-tls-"))
    certs.chmod(0o755)
    authority = make_authority(certs, "bench")
    cluster = PostgresCluster.start(authority, password=PASSWORD)
    try:
        import psycopg  # noqa: PLC0415

        admin = cluster.url(
            user=cluster.admin, password=PASSWORD, database="postgres", ca=authority.ca_cert
        )
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE micboard_bench")
        for name, value in BENCH_ENV.items():
            os.environ.setdefault(name, value)
        os.environ["DATABASE_URL"] = admin.replace("/postgres?", "/micboard_bench?")
        os.environ["MICBOARD_ALERTS_ENABLED"] = "true"
        return run(args)
    finally:
        cluster.stop()


def run(args: argparse.Namespace) -> int:
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from micboard.composition import sync_service  # noqa: PLC0415
    from micboard.models import Receiver  # noqa: PLC0415
    from micboard.services import worker_access  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    worker_access.db_roles_apply(row_security=True)
    with processes(ROOT / "var" / "bench" / "worker-roles") as group:
        ports = start_simulator(group, args.receivers, args.models, silent=[])
        venue = register(ports, args.models.split(","), interval=5)
        worker_access.venue_login_apply(login=LOGIN, venue_slug=venue.slug, password="x" * 24)
        ids = list(Receiver.objects.filter(venue=venue).values_list("pk", flat=True))
        batches = [ids[i : i + args.batch_size] for i in range(0, len(ids), args.batch_size)]
        service = sync_service()

        def as_role(role: str | None, *, row_security: bool) -> None:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
            worker_access.db_roles_apply(row_security=row_security)
            if role:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET ROLE {role}")  # the bench's own role name

        def one_round() -> tuple[float, float, int]:
            wall, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                for batch in batches:
                    service.receivers_sync(receiver_ids=batch)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            return wall * 1000 / len(ids), cpu * 1000 / len(ids), len(queries) // len(batches)

        ways = {
            "central (owner)": (None, True),
            "venue role, row security": (LOGIN, True),
            "venue role, grants only": (LOGIN, False),
        }
        figures: dict[str, list[tuple[float, float, int]]] = {name: [] for name in ways}
        for role, rls in ways.values():  # warm each way once
            as_role(role, row_security=rls)
            one_round()
        for _ in range(args.rounds):
            for name, (role, rls) in ways.items():
                as_role(role, row_security=rls)
                figures[name].append(one_round())
        as_role(None, row_security=True)
        synced = Receiver.objects.filter(venue=venue, last_sync_result="synced").count()
        print(f"command: {' '.join(sys.argv)}")
        print(f"receivers: {len(ids)} ({synced} synced), batches of {args.batch_size}, TLS")
        print("| way | wall ms per sync (median) | CPU ms per sync (median) | queries per batch |")
        print("|---|---|---|---|")
        for name, rows in figures.items():
            wall = statistics.median(r[0] for r in rows)
            cpu = statistics.median(r[1] for r in rows)
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rows[-1][2]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
