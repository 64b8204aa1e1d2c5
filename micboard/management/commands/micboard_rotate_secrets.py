"""``manage.py micboard_rotate_secrets``: re-encrypt stored webhook secrets with the newest key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from micboard.composition import secret_box
from micboard.exceptions import ConfigurationError
from micboard.services.alerts.configuration import secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored webhook secret with the first of MICBOARD_ENCRYPTION_KEYS; "
        "afterwards the older keys can be dropped."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = secrets_rotate(box=secret_box())
        except ConfigurationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"{report.rotated} secret(s) re-encrypted with the newest key; "
            f"{report.current} already were"
        )
        if report.undecryptable:
            ids = ", ".join(str(pk) for pk in report.undecryptable)
            raise CommandError(
                f"{len(report.undecryptable)} secret(s) no configured key decrypts "
                f"(contacts {ids}): put their key back in MICBOARD_ENCRYPTION_KEYS, or set "
                "those contacts' secrets again"
            )
