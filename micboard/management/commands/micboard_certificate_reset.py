"""``manage.py micboard_certificate_reset ID``: forget a receiver's pinned certificate."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.models import Receiver
from micboard.services.audit import Actor
from micboard.services.certificates import receiver_certificate_reset


class Command(BaseCommand):
    help = (
        "Reset the pinned TLS certificate of a receiver (SSC v2): its next poll pins the "
        "certificate the device presents then. Do it only once you know why it changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("receiver", type=int, help="receiver id")

    def handle(self, *args: Any, **options: Any) -> None:
        receiver = Receiver.objects.select_related("venue").filter(pk=options["receiver"]).first()
        if receiver is None:
            raise CommandError(f"no receiver with id {options['receiver']}")
        old = receiver.certificate_sha256
        receiver_certificate_reset(receiver=receiver, actor=Actor(f"cli:{getpass.getuser()}"))
        self.stdout.write(
            f"certificate pin of receiver {receiver.pk} reset (was {old or 'none'}); "
            "the next poll pins the certificate the device presents"
        )
