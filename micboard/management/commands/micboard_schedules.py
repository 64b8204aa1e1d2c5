"""``manage.py micboard_schedules``: make beat's dispatcher rows match the venues."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from micboard.services.scheduling import schedules_apply


class Command(BaseCommand):
    help = "Create, update or remove the per-venue dispatcher rows (idempotent; run at deploy)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = schedules_apply()
        self.stdout.write(
            f"dispatcher rows: {report.created} created, {report.updated} updated, "
            f"{report.removed} removed"
        )
