from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from tests.factories import make_venue

pytestmark = pytest.mark.django_db


def test_command_repairs_rows_and_is_idempotent() -> None:
    venue = make_venue()
    PeriodicTask.objects.all().delete()
    out = StringIO()
    call_command("micboard_schedules", stdout=out)
    # the venue's dispatcher; the housekeeping rows: history pruning and the alerts check
    assert "1 created, 2 updated, 0 removed" in out.getvalue()
    assert PeriodicTask.objects.get(name="micboard.housekeeping:alerts-check").task == (
        "micboard.alerts_check"
    )
    call_command("micboard_schedules", stdout=out)
    assert "0 created, 0 updated, 0 removed" in out.getvalue()
    row = PeriodicTask.objects.get(name__startswith="micboard.dispatch:")
    assert row.queue == venue.queue_name
