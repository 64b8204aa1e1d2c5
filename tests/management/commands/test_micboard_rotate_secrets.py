"""``micboard_rotate_secrets``: a new key first, the secrets re-encrypted, the old key gone."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django.fixtures import Settings

from micboard.composition import secret_box
from micboard.models import Contact, ContactChannel, Receiver
from tests.conftest import WEBHOOK_SECRET
from tests.factories import make_receiver, make_venue
from tests.services.alerts.conftest import add_contact

pytestmark = pytest.mark.django_db


def rotate() -> str:
    out = StringIO()
    call_command("micboard_rotate_secrets", stdout=out)
    return out.getvalue().strip().splitlines()[0]  # the contacts' secrets; then devices'


def test_secrets_move_to_the_newest_key_and_the_old_one_can_go(
    settings: Settings,
) -> None:
    venue = make_venue()
    add_contact(venue, channel=ContactChannel.WEBHOOK, target="https://chat.example.org/a")
    add_contact(venue)  # no secret: nothing to rotate
    old_key, new_key = settings.MICBOARD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    before = Contact.objects.get(channel=ContactChannel.WEBHOOK).secret_encrypted
    settings.MICBOARD_ENCRYPTION_KEYS = [new_key, old_key]
    assert rotate() == "1 secret(s) re-encrypted with the newest key; 0 already were"
    assert rotate() == "0 secret(s) re-encrypted with the newest key; 1 already were"
    after = Contact.objects.get(channel=ContactChannel.WEBHOOK).secret_encrypted
    assert after != before
    settings.MICBOARD_ENCRYPTION_KEYS = [new_key]
    assert secret_box().decrypt(after) == WEBHOOK_SECRET


def test_a_secret_no_key_decrypts_is_named_and_left_alone(settings: Settings) -> None:
    venue = make_venue()
    contact = add_contact(venue, channel=ContactChannel.WEBHOOK, target="https://c.example.org/")
    stored = contact.secret_encrypted
    settings.MICBOARD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(
        CommandError, match=rf"1 secret\(s\) no configured key decrypts \(contacts {contact.pk}\)"
    ):
        rotate()
    assert Contact.objects.get().secret_encrypted == stored


def test_without_keys_the_command_says_so(settings: Settings) -> None:
    add_contact(make_venue(), channel=ContactChannel.WEBHOOK, target="https://c.example.org/")
    settings.MICBOARD_ENCRYPTION_KEYS = []
    with pytest.raises(CommandError, match="MICBOARD_ENCRYPTION_KEYS is not set"):
        rotate()


def test_device_passwords_move_to_the_newest_key_too(settings: Settings) -> None:
    receiver = make_receiver(make_venue(), model="EW-DX-EM-2")
    Receiver.objects.filter(pk=receiver.pk).update(
        device_password=secret_box().encrypt("Device-Pass-1")
    )
    old_key, new_key = settings.MICBOARD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    settings.MICBOARD_ENCRYPTION_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("micboard_rotate_secrets", stdout=out)
    assert "1 device password(s) re-encrypted with the newest key" in out.getvalue()
    settings.MICBOARD_ENCRYPTION_KEYS = [new_key]
    stored = Receiver.objects.get(pk=receiver.pk).device_password
    assert secret_box().decrypt(stored) == "Device-Pass-1"
