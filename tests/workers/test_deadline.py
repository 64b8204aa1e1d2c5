"""A task bounds itself: past its deadline its database wait is cut, on the real database."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError, connection
from structlog.testing import capture_logs

from micboard.workers.deadline import bounded, shut_database_connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_query_blocked_past_the_deadline_fails_at_once() -> None:
    began = time.monotonic()
    with (
        capture_logs() as logs,
        pytest.raises(OperationalError),
        bounded(0.5, task="test"),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(5)")
    assert time.monotonic() - began < 3
    assert [(e["event"], e["database_cut"]) for e in logs] == [("task_deadline_exceeded", True)]
    connection.close()
    with connection.cursor() as cursor:  # the next query connects anew
        cursor.execute("SELECT 1")


def test_a_block_within_its_deadline_is_left_alone() -> None:
    with capture_logs() as logs, bounded(5, task="test"), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert logs == []


def test_nothing_to_cut_without_a_socket() -> None:
    assert shut_database_connection(None) is False
    assert shut_database_connection(object()) is False


def test_a_closed_connection_has_no_socket_to_cut() -> None:
    class Closed:
        @property
        def socket(self) -> int:
            raise RuntimeError("the connection is closed")

    class Raw:
        pgconn = Closed()

    assert shut_database_connection(Raw()) is False
