"""A poll's diagnostics on the receiver row, written with the snapshot."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from micboard.composition import device_service
from micboard.integrations.base import PollDiagnostics
from micboard.models import Receiver
from micboard.services.dto import ReceiverInput
from tests.factories import make_receiver, make_venue, snapshot

pytestmark = pytest.mark.django_db


def polled(receiver: Receiver, **diagnostics: Any) -> Receiver:
    answer = dataclasses.replace(snapshot(4), diagnostics=PollDiagnostics(**diagnostics))
    device_service().snapshot_apply(receiver=receiver, snapshot=answer)
    return Receiver.objects.get(pk=receiver.pk)


def test_counts_add_up_and_the_latest_reason_stays() -> None:
    receiver = make_receiver(make_venue())

    reason = "frame cut short: '< REP'"
    polled(receiver, skipped_messages=2, last_skipped=reason, request_form="all")
    stored = polled(receiver, resent_requests=1, request_form="param")

    assert (stored.skipped_messages, stored.resent_requests) == (2, 1)
    assert stored.last_skipped_message == reason
    assert stored.request_form == "param"


def test_identity_a_poll_did_not_report_is_kept() -> None:
    receiver = polled(make_receiver(make_venue()))

    quiet = dataclasses.replace(snapshot(4), model="", firmware="", device_id="")
    device_service().snapshot_apply(receiver=receiver, snapshot=quiet)

    stored = Receiver.objects.get(pk=receiver.pk)
    assert (stored.model, stored.firmware, stored.device_id) == ("ULXD4Q", "2.7.6", "RACK-A")


def test_editing_a_receiver_forgets_how_it_was_asked() -> None:
    receiver = polled(make_receiver(make_venue()), request_form="param")
    data = ReceiverInput(name="Moved", model="ULXD4Q", host="127.0.0.9", port=receiver.port)

    device_service().receiver_update(receiver=receiver, data=data)

    assert Receiver.objects.get(pk=receiver.pk).request_form == ""


def test_counts_add_to_the_row_even_from_a_receiver_read_before_another_poll_wrote() -> None:
    receiver = make_receiver(make_venue())
    stale = Receiver.objects.get(pk=receiver.pk)
    polled(receiver, resent_requests=1)

    polled(stale, resent_requests=0)

    assert Receiver.objects.get(pk=receiver.pk).resent_requests == 1
