"""The query-budget assertion fails with the statements the block ran."""

from __future__ import annotations

import pytest

from micboard.models import Venue
from tests.factories import make_venue
from tests.queries import query_budget

pytestmark = pytest.mark.django_db


def test_a_count_off_budget_lists_the_statements() -> None:
    make_venue()
    with pytest.raises(AssertionError) as failed, query_budget(0):
        list(Venue.objects.all())
    message = str(failed.value)
    assert message.startswith("expected 0 queries, ran 1:\n  1. SELECT ")
    assert "micboard_venue" in message


def test_a_budget_compared_with_an_earlier_block_lists_both() -> None:
    with query_budget() as none:
        pass
    with pytest.raises(AssertionError) as failed, query_budget(none, at_most=0):
        Venue.objects.count()
    message = str(failed.value)
    assert "expected 0 queries, ran 1; expected at most 0 queries, ran 1" in message
    assert message.endswith("the block compared with ran:\n  none")


def test_ignored_statements_are_not_counted() -> None:
    with query_budget(0, ignore=("SELECT",)) as queries:
        Venue.objects.exists()
    assert queries.statements == []
