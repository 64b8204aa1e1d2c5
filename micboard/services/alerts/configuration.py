"""Writes of a venue's alert configuration, with field-level errors, and secret rotation.

Watched hours and events, contact lists and contacts (whose webhook secret is stored
encrypted), and the re-encryption of every stored secret with the newest key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import structlog
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email

from micboard.exceptions import ValidationError
from micboard.infrastructure.secret_box import SecretBox
from micboard.models import (
    Contact,
    ContactChannel,
    ContactList,
    WatchedEvent,
    WatchedHours,
)
from micboard.services.secret_rotation import RotationReport, column_rotate
from micboard.services.validation import text_problem

log = structlog.get_logger(__name__)

MAX_NAME_LENGTH = 120
MAX_TARGET_LENGTH = 500
MAX_SECRET_LENGTH = 500
MAX_ESCALATION_ORDER = 100


def _name_problem(name: str) -> str:
    if not name.strip() or len(name) > MAX_NAME_LENGTH:
        return f"a name needs 1-{MAX_NAME_LENGTH} characters"
    return text_problem(name)


def _raise(message: str, errors: dict[str, object]) -> None:
    if errors:
        raise ValidationError(message, details=errors)


# --- watched hours and events -------------------------------------------------------------


def watched_hours_save(*, hours: WatchedHours) -> WatchedHours:
    """A weekly window (an end not after its start runs past midnight; equal: 24 hours)."""
    _raise(
        "invalid watched hours",
        {"weekday": f"{hours.weekday} is not a weekday (0 Monday - 6 Sunday)"}
        if not 0 <= hours.weekday <= 6
        else {},
    )
    hours.save()
    log.info("watched_hours_saved", venue_id=hours.venue_id, watched_hours_id=hours.pk)
    return hours


def watched_event_save(*, event: WatchedEvent) -> WatchedEvent:
    errors: dict[str, object] = {}
    if problem := _name_problem(event.name):
        errors["name"] = problem
    if event.ends_at <= event.starts_at:
        errors["ends_at"] = "an event ends after it starts"
    _raise("invalid watched event", errors)
    event.name = event.name.strip()
    event.save()
    log.info("watched_event_saved", venue_id=event.venue_id, watched_event_id=event.pk)
    return event


# --- contact lists and contacts -----------------------------------------------------------


def contact_list_validate(*, name: str, escalation_order: int) -> None:
    errors: dict[str, object] = {}
    if problem := _name_problem(name):
        errors["name"] = problem
    if not 0 <= escalation_order <= MAX_ESCALATION_ORDER:
        errors["escalation_order"] = f"an escalation step is 0-{MAX_ESCALATION_ORDER}"
    _raise("invalid contact list", errors)


def contact_list_save(*, contact_list: ContactList) -> ContactList:
    """A list notified together; ``escalation_order`` 0 hears first."""
    contact_list_validate(name=contact_list.name, escalation_order=contact_list.escalation_order)
    contact_list.name = contact_list.name.strip()
    contact_list.save()
    return contact_list


@dataclass(frozen=True, slots=True)
class ContactInput:
    name: str
    channel: str
    target: str
    quiet_from: time | None = None
    quiet_until: time | None = None
    enabled: bool = True
    secret: str | None = None
    """None keeps the stored secret; "" removes it."""


def _target_problem(channel: str, target: str) -> str:
    if not target or len(target) > MAX_TARGET_LENGTH:
        return f"a target needs 1-{MAX_TARGET_LENGTH} characters"
    try:
        if channel == ContactChannel.EMAIL:
            validate_email(target)
        else:
            URLValidator(schemes=["http", "https"])(target)
    except DjangoValidationError:
        what = "an email address" if channel == ContactChannel.EMAIL else "an http(s) URL"
        return f"{target!r} is not {what}"
    return ""


def contact_validate(*, data: ContactInput, had_secret: bool) -> None:
    errors: dict[str, object] = {}
    if problem := _name_problem(data.name):
        errors["name"] = problem
    if data.channel not in ContactChannel.values:
        errors["channel"] = f"{data.channel!r} is not one of {ContactChannel.values}"
    elif problem := _target_problem(data.channel, data.target):
        errors["target"] = problem
    keeps_secret = bool(data.secret) if data.secret is not None else had_secret
    if keeps_secret and data.channel == ContactChannel.EMAIL:
        errors["secret"] = "only a webhook has a secret"  # noqa: S105 - a message
    if data.secret and (len(data.secret) > MAX_SECRET_LENGTH or text_problem(data.secret)):
        errors["secret"] = f"a secret is 1-{MAX_SECRET_LENGTH} printable characters"
    if (data.quiet_from is None) != (data.quiet_until is None):
        errors["quiet_until" if data.quiet_until is None else "quiet_from"] = (
            "quiet hours need both a start and an end"
        )
    elif data.quiet_from is not None and data.quiet_from == data.quiet_until:
        errors["quiet_until"] = "quiet hours end at another time than they start"
    _raise("invalid contact", errors)


def contact_save(
    *, contact_list: ContactList, data: ContactInput, box: SecretBox, contact: Contact | None
) -> Contact:
    """Create (``contact`` None) or change a contact; its secret is stored encrypted and
    only replaced when ``data.secret`` is given."""
    existing = contact or Contact(contact_list=contact_list)
    contact_validate(data=data, had_secret=existing.has_secret)
    existing.contact_list = contact_list
    for name in ("name", "channel", "target", "quiet_from", "quiet_until", "enabled"):
        setattr(existing, name, getattr(data, name))
    existing.name = existing.name.strip()
    if data.secret is not None:
        existing.secret_encrypted = box.encrypt(data.secret)
    existing.save()
    log.info("contact_saved", contact_id=existing.pk, signing_key_changed=data.secret is not None)
    return existing


# --- the stored secrets' keys -------------------------------------------------------------


def secrets_rotate(*, box: SecretBox) -> RotationReport:
    """Re-encrypt every stored contact secret with the newest key; the old keys may go."""
    report = column_rotate(model=Contact, field="secret_encrypted", box=box)
    log.info(
        "secrets_rotated",
        rotated=report.rotated,
        current=report.current,
        undecryptable=len(report.undecryptable),
    )
    return report
