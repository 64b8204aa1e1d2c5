from __future__ import annotations

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from micboard.composition import location_service
from micboard.services.scheduling import PRUNE_ROW, ROW_PREFIX, schedules_apply
from tests.factories import make_venue

pytestmark = pytest.mark.django_db


def test_one_dispatcher_row_per_venue_on_its_queue() -> None:
    first, second = make_venue(), make_venue()
    rows = {row.name: row for row in PeriodicTask.objects.filter(name__startswith=ROW_PREFIX)}
    assert set(rows) == {f"micboard.dispatch:{first.slug}", f"micboard.dispatch:{second.slug}"}
    row = rows[f"micboard.dispatch:{first.slug}"]
    assert (row.task, row.args, row.queue) == (
        "micboard.dispatch_due_syncs",
        f"[{first.pk}]",
        first.queue_name,
    )
    assert row.interval is not None
    assert row.interval.every == 1


def test_sync_is_idempotent_and_touches_nothing_when_nothing_changed() -> None:
    make_venue()
    changed_before = PeriodicTasks.last_change()
    report = schedules_apply()
    assert (report.created, report.updated, report.removed) == (0, 0, 0)
    assert PeriodicTasks.last_change() == changed_before


def test_deleted_venue_loses_its_row_and_beat_is_told() -> None:
    venue = make_venue()
    keep = make_venue()
    location_service().venue_delete(venue=venue)
    names = PeriodicTask.objects.filter(name__startswith=ROW_PREFIX).values_list("name", flat=True)
    assert list(names) == [f"micboard.dispatch:{keep.slug}"]


def test_edited_row_is_put_back() -> None:
    venue = make_venue()
    PeriodicTask.objects.filter(name=f"micboard.dispatch:{venue.slug}").update(queue="wrong")
    assert schedules_apply().updated == 1
    assert (
        PeriodicTask.objects.get(name=f"micboard.dispatch:{venue.slug}").queue == venue.queue_name
    )


def test_history_pruning_runs_on_the_housekeeping_queue() -> None:
    make_venue()
    row = PeriodicTask.objects.get(name=PRUNE_ROW)
    assert (row.task, row.queue) == ("micboard.history_prune", settings.CELERY_TASK_DEFAULT_QUEUE)
    PeriodicTask.objects.filter(name=PRUNE_ROW).update(queue="elsewhere")
    assert schedules_apply().updated == 1
    assert PeriodicTask.objects.get(name=PRUNE_ROW).queue == settings.CELERY_TASK_DEFAULT_QUEUE
