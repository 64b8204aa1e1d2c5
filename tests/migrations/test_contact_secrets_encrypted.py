"""The migration that encrypts the webhook secrets stored in plain text before it, and
turns notifications left unsent in quiet hours into held ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from micboard.composition import secret_box
from micboard.models import Contact, Notification

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("micboard", "0009_performers_events_assignments")
AFTER = ("micboard", "0010_contact_secrets_encrypted_quiet_hours_held")
PLAIN = "plain-text-secret-from-before"


def migrate(target: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor


@pytest.fixture
def back_to_latest() -> Iterator[None]:
    yield
    (latest,) = MigrationExecutor(connection).loader.graph.leaf_nodes("micboard")
    migrate(latest)


def test_plain_secrets_are_encrypted_and_quiet_rows_held(back_to_latest: None) -> None:
    old = migrate(BEFORE).loader.project_state([BEFORE]).apps
    venue = old.get_model("micboard", "Venue").objects.create(
        name="Old", slug="old", queue_name="venue.old"
    )
    steps = old.get_model("micboard", "ContactList").objects.create(venue=venue, name="Step 0")
    contacts = old.get_model("micboard", "Contact")
    hook = contacts.objects.create(
        contact_list=steps, name="Chat", channel="webhook", target="https://c.test/", secret=PLAIN
    )
    mail = contacts.objects.create(contact_list=steps, name="Sam", channel="email", target="s@x.t")
    moment = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    old.get_model("micboard", "Notification").objects.create(
        venue=venue,
        contact=mail,
        event="test",
        state="quiet",
        next_attempt_at=moment,
        created_at=moment,
    )
    migrate(AFTER)
    stored = Contact.objects.get(pk=hook.pk).secret_encrypted
    assert PLAIN not in stored
    assert secret_box().decrypt(stored) == PLAIN
    assert Contact.objects.get(pk=mail.pk).secret_encrypted == ""
    assert Notification.objects.get().state == "held"
    back = migrate(BEFORE).loader.project_state([BEFORE]).apps
    assert back.get_model("micboard", "Contact").objects.get(pk=hook.pk).secret == PLAIN
