"""``manage.py micboard_rotate_secrets``: re-encrypt stored webhook secrets with the newest key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from micboard.composition import secret_box
from micboard.exceptions import ConfigurationError
from micboard.services.alerts.configuration import secrets_rotate
from micboard.services.certificates import device_passwords_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored webhook secret and device password with the first of "
        "MICBOARD_ENCRYPTION_KEYS; afterwards the older keys can be dropped."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            secrets = secrets_rotate(box=secret_box())
            passwords = device_passwords_rotate(box=secret_box())
        except ConfigurationError as error:
            raise CommandError(error.message) from None
        for report, what in ((secrets, "secret(s)"), (passwords, "device password(s)")):
            self.stdout.write(
                f"{report.rotated} {what} re-encrypted with the newest key; "
                f"{report.current} already were"
            )
        stuck = [
            f"{len(report.undecryptable)} {what} no configured key decrypts "
            f"({owner} {', '.join(map(str, report.undecryptable))})"
            for report, what, owner in (
                (secrets, "secret(s)", "contacts"),
                (passwords, "device password(s)", "receivers"),
            )
            if report.undecryptable
        ]
        if stuck:
            raise CommandError(
                f"{'; '.join(stuck)}: put their key back in MICBOARD_ENCRYPTION_KEYS, or set "
                "those secrets again"
            )
