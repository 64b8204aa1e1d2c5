"""EW-DX over SSC v2 through the real pipeline: dispatcher, in-process worker, HTTPS, database.

The certificate is pinned on the first poll; a changed certificate and a wrong password fail
the poll with a clear error (the receiver goes offline, nothing else is skipped), and after
an operator resets the pin the next poll pins the new certificate."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest

from micboard.composition import device_service
from micboard.integrations.sennheiser.families import SSCV2_PROTOCOL, family_of
from micboard.integrations.sennheiser.simulator.https import (
    DEFAULT_PASSWORD,
    SimulatedHttpsReceiver,
)
from micboard.integrations.sennheiser.sscv2.client import certificate_fingerprint
from micboard.models import Channel, Receiver, ReceiverStatus
from micboard.models.audit import AuditAction, AuditEntry
from micboard.services.audit import Actor
from micboard.services.certificates import receiver_certificate_reset
from micboard.services.dto import ReceiverInput
from tests.factories import make_venue
from tests.system.conftest import StartWorker
from tests.system.test_sync_pipeline import dispatch_via_worker
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.system]

MODEL = "EW-DX-EM-2"


@pytest.fixture
def device() -> Iterator[SimulatedHttpsReceiver]:
    family, channels = family_of(MODEL)
    receiver = SimulatedHttpsReceiver(family, channels, port=0).start()
    yield receiver
    receiver.stop()


def _der_fingerprint(device: SimulatedHttpsReceiver) -> str:
    return certificate_fingerprint(ssl.PEM_cert_to_DER_cert(device.certificate_pem.decode()))


def _register(device: SimulatedHttpsReceiver, password: str = DEFAULT_PASSWORD) -> Receiver:
    return device_service().receiver_register(
        venue=make_venue(),
        data=ReceiverInput(
            name="EW-DX rack",
            model=MODEL,
            host="127.0.0.1",
            port=device.port,
            protocol=SSCV2_PROTOCOL,
            poll_interval=1,
            device_password=password,
        ),
    )


def _sync(receiver: Receiver, venue_worker: StartWorker, until: str, what: str) -> Receiver:
    receiver.refresh_from_db()
    since = receiver.last_sync_at
    Receiver.objects.filter(pk=receiver.pk).update(next_sync_at=None, consecutive_failures=0)
    with venue_worker(receiver.venue):
        dispatch_via_worker(receiver.venue_id, receiver.venue.queue_name)

        def done() -> bool:
            row = Receiver.objects.get(pk=receiver.pk)
            return row.status == until and row.last_sync_at != since

        wait_for(done, timeout=20, what=what)
    receiver.refresh_from_db()
    return receiver


def test_values_land_and_the_certificate_is_pinned(
    device: SimulatedHttpsReceiver, venue_worker: StartWorker
) -> None:
    device.channels[0].battery_percent = 65
    device.channels[1].muted = True
    receiver = _register(device)
    assert receiver.device_password
    assert DEFAULT_PASSWORD not in receiver.device_password
    receiver = _sync(receiver, venue_worker, ReceiverStatus.ONLINE, "the EW-DX online")
    assert receiver.request_form == "sscv2"
    assert receiver.device_id == device.identity["serial"]
    assert receiver.certificate_sha256 == _der_fingerprint(device)
    assert receiver.certificate_pinned_at is not None
    first, second = Channel.objects.filter(receiver=receiver).order_by("number")
    assert (first.battery_percent, first.battery_bars, first.muted) == (65, 4, False)
    assert second.muted is True
    assert first.tx_type == "SKM"


def test_an_address_the_device_lacks_is_counted_and_the_other_values_land(
    device: SimulatedHttpsReceiver, venue_worker: StartWorker
) -> None:
    device.channels[0].battery_percent = 65
    device.configure(refuse=frozenset({("mates", "tx2", "battery", "gauge")}))
    receiver = _sync(_register(device), venue_worker, ReceiverStatus.ONLINE, "the EW-DX online")
    assert receiver.device_id == device.identity["serial"]
    assert receiver.skipped_messages == 1
    assert receiver.last_skipped_message == (
        "refused: /mates/tx2/battery/gauge error 404 (not found)"
    )
    first, second = Channel.objects.filter(receiver=receiver).order_by("number")
    assert (first.battery_percent, second.battery_percent) == (65, None)
    assert second.tx_type == "SKM"


def test_a_wrong_password_fails_the_poll_with_its_reason(
    device: SimulatedHttpsReceiver, venue_worker: StartWorker
) -> None:
    receiver = _register(device, password="Not-The-Password-1")
    receiver = _sync(receiver, venue_worker, ReceiverStatus.OFFLINE, "the EW-DX offline")
    assert "HTTP 401" in receiver.last_error
    assert not Channel.objects.filter(receiver=receiver).exists()


def test_a_changed_certificate_fails_until_the_pin_is_reset(
    device: SimulatedHttpsReceiver, venue_worker: StartWorker
) -> None:
    receiver = _register(device)
    receiver = _sync(receiver, venue_worker, ReceiverStatus.ONLINE, "the EW-DX online")
    first_pin = receiver.certificate_sha256
    device.rotate_certificate()
    requests = device.requests
    receiver = _sync(receiver, venue_worker, ReceiverStatus.OFFLINE, "the changed certificate")
    assert "certificate other than the pinned one" in receiver.last_error
    assert receiver.certificate_sha256 == first_pin
    assert device.requests == requests, "no request (and no password) reached the device"

    receiver_certificate_reset(receiver=receiver, actor=Actor("alice"))
    entry = AuditEntry.objects.get(action=AuditAction.CERTIFICATE_RESET)
    assert entry.actor == "alice"
    assert entry.changes["certificate_sha256"]["old"] == first_pin
    receiver = _sync(receiver, venue_worker, ReceiverStatus.ONLINE, "online after the reset")
    assert receiver.certificate_sha256 == _der_fingerprint(device) != first_pin
