"""The query-budget assertion: the SQL a block runs, counted, and listed when the count is off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Transaction control is not a query of the code under test: tests that count only the
# statements that read or write leave these out.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")


@dataclass
class Queries:
    """The statements a block ran, filled in when it ends."""

    statements: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.statements)

    def listing(self) -> str:
        return "\n".join(f"  {n}. {sql}" for n, sql in enumerate(self.statements, 1)) or "  none"


@contextmanager
def query_budget(
    expected: int | Queries | None = None,
    *,
    at_most: int | None = None,
    ignore: tuple[str, ...] = (),
) -> Iterator[Queries]:
    """Fail unless the block runs ``expected`` statements (a number, or as many as an earlier
    block ran) and no more than ``at_most``; statements starting with ``ignore`` are not
    counted. The failure lists every statement counted, and the earlier block's too."""
    __tracebackhide__ = True
    queries = Queries()
    with CaptureQueriesContext(connection) as captured:
        yield queries
    queries.statements = [
        query["sql"] for query in captured.captured_queries if not query["sql"].startswith(ignore)
    ]
    count = len(queries)
    problems = []
    if expected is not None and count != len_of(expected):
        problems.append(f"expected {len_of(expected)} queries, ran {count}")
    if at_most is not None and count > at_most:
        problems.append(f"expected at most {at_most} queries, ran {count}")
    if problems:
        message = f"{'; '.join(problems)}:\n{queries.listing()}"
        if isinstance(expected, Queries):
            message += f"\nthe block compared with ran:\n{expected.listing()}"
        raise AssertionError(message)


def len_of(expected: int | Queries) -> int:
    return expected if isinstance(expected, int) else len(expected)
