from datetime import timedelta

from micboard.services.backoff import backoff_seconds
from micboard.services.sync import next_poll_after


def test_first_failure_waits_one_interval() -> None:
    assert backoff_seconds(poll_interval=5, failures=1, cap=300) == 5


def test_backoff_doubles_then_caps() -> None:
    waits = [backoff_seconds(poll_interval=5, failures=n, cap=60) for n in range(1, 8)]
    assert waits == [5, 10, 20, 40, 60, 60, 60]


def test_cap_below_interval_never_polls_faster_than_interval() -> None:
    assert backoff_seconds(poll_interval=30, failures=3, cap=10) == 30


def test_huge_failure_counts_do_not_overflow() -> None:
    assert backoff_seconds(poll_interval=5, failures=10_000, cap=300) == 300


def test_next_poll_comes_one_tick_one_poll_and_a_queue_wait_early() -> None:
    assert next_poll_after(5, 200) == timedelta(seconds=3.55)  # 5 - 1 - 0.2 - 0.25
    assert next_poll_after(10, 0) == timedelta(seconds=8.5)
    assert next_poll_after(2, 0) == timedelta(seconds=1)
    # never sooner than half the interval, however slow the poll
    assert next_poll_after(4, 10_000) == timedelta(seconds=2)
