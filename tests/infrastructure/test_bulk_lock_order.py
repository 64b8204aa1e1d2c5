"""Two writers over the same receivers in opposite orders wait for each other, never deadlock."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from micboard.infrastructure.bulk import update_rows
from micboard.models import Receiver
from tests.factories import make_receiver, make_venue
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

BOUND_S = 20.0


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def _in_thread(write: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            with transaction.atomic():
                write()
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_opposite_input_orders_do_not_deadlock() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-lock order is a PostgreSQL matter; SQLite locks the whole file")
    venue = make_venue()
    low, high = make_receiver(venue), make_receiver(venue)
    errors: list[BaseException] = []
    low.firmware, high.firmware = "1.0", "1.0"
    # A third session holds the lower row, so both writers queue on it: the first queued
    # (ascending input) gets it first, then needs the higher row. A writer that took the
    # higher row before queueing would hold it against the first: a deadlock.
    blocker = threading.Event()
    release = threading.Event()

    def hold_low() -> None:
        list(Receiver.objects.select_for_update().filter(pk=low.pk))
        blocker.set()
        release.wait(BOUND_S)

    threads = [_in_thread(hold_low, errors)]
    assert blocker.wait(BOUND_S)
    threads.append(_in_thread(lambda: update_rows(Receiver, [low, high], ["firmware"]), errors))
    wait_for(lambda: _waiting_on_locks() >= 1, timeout=BOUND_S)
    threads.append(_in_thread(lambda: update_rows(Receiver, [high, low], ["firmware"]), errors))
    wait_for(lambda: _waiting_on_locks() >= 2, timeout=BOUND_S)
    release.set()
    for thread in threads:
        thread.join(BOUND_S)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert set(Receiver.objects.filter(venue=venue).values_list("firmware", flat=True)) == {"1.0"}
