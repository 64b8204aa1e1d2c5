"""The data migration that gives existing receivers' hosts their normalised spelling."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from micboard.models import Receiver, Venue
from tests.factories import make_receiver, make_venue

migration = importlib.import_module("micboard.migrations.0006_receiver_hosts_normalised")
pytestmark = pytest.mark.django_db


def stored(venue: Venue, host: str, port: int = 0) -> Receiver:
    """A row as an older release may have written it, spelled as it was given."""
    receiver = make_receiver(venue, port=port)
    Receiver.objects.filter(pk=receiver.pk).update(host=host)
    return receiver


def test_hosts_are_normalised_and_a_collision_is_left_alone() -> None:
    venue = make_venue()
    upper = stored(venue, "RX.EXAMPLE.")
    padded = stored(venue, "010.020.030.040")
    kept = stored(venue, "10.20.30.40", port=2203)
    twin = stored(venue, "::ffff:10.20.30.40", port=2203)
    broken = stored(venue, "bad host")
    migration.normalise_hosts(apps, None)
    hosts = dict(Receiver.objects.values_list("pk", "host"))
    assert hosts == {
        upper.pk: "rx.example",
        padded.pk: "10.20.30.40",
        kept.pk: "10.20.30.40",
        twin.pk: "::ffff:10.20.30.40",  # would collide with kept: left as it was
        broken.pk: "bad host",
    }
