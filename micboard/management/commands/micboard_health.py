"""``manage.py micboard_health``: exits non-zero and says what is wrong."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from micboard.composition import celery_app
from micboard.selectors.health import run_checks


class Command(BaseCommand):
    help = (
        "Check the database, the broker, each venue's share of fresh receivers, beat's "
        "dispatch cycles and each venue queue's consumers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-cycle-age", type=float, default=30.0, help="seconds")
        parser.add_argument("--timeout", type=float, default=2.0, help="seconds per probe")
        parser.add_argument(
            "--min-fresh",
            type=float,
            default=90.0,
            help="percent of a venue's receivers that must be fresh (default 90)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checks = run_checks(
            app=celery_app(),
            now=timezone.now(),
            max_cycle_age=timedelta(seconds=options["max_cycle_age"]),
            timeout=options["timeout"],
            housekeeping=settings.CELERY_TASK_DEFAULT_QUEUE,
            min_fresh_share=options["min_fresh"] / 100,
        )
        for check in checks:
            mark = "ok  " if check.ok else "FAIL"
            self.stdout.write(f"{mark} {check.name}: {check.detail}")
        failed = [check.name for check in checks if not check.ok]
        if failed:
            raise CommandError(f"unhealthy: {', '.join(failed)}")
