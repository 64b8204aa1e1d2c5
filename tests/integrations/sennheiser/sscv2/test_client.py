"""The SSC v2 poll against a simulated EW-DX on a real TLS socket: values, faults, pinning."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from micboard.exceptions import (
    CertificateMismatchError,
    DeviceAuthenticationError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    ProtocolError,
)
from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.sennheiser.families import family_of
from micboard.integrations.sennheiser.simulator.https import (
    DEFAULT_PASSWORD,
    SimulatedHttpsReceiver,
)
from micboard.integrations.sennheiser.sscv2.client import read_receiver_v2

FAMILY, CHANNELS = family_of("EW-DX-EM-4-DANTE")


@pytest.fixture
def device() -> Iterator[SimulatedHttpsReceiver]:
    receiver = SimulatedHttpsReceiver(FAMILY, CHANNELS, port=0).start()
    yield receiver
    receiver.stop()


def _poll(device: SimulatedHttpsReceiver, *, pinned_certificate: str = "") -> ReceiverSnapshot:
    address = DeviceAddress(
        "127.0.0.1",
        device.port,
        timeout=1.0,
        password=DEFAULT_PASSWORD,
        pinned_certificate=pinned_certificate,
    )
    return read_receiver_v2(address, family=FAMILY, channels=CHANNELS)


def test_every_channel_is_read(device: SimulatedHttpsReceiver) -> None:
    device.channels[3].battery_percent = 15
    device.set_transmitter(2, on=False)
    snapshot = _poll(device)
    channels = snapshot.channels
    assert [c.number for c in channels] == [1, 2, 3, 4]
    assert channels[3].battery_percent == 15
    assert channels[1].battery_percent is None  # 424 for a transmitter that is off
    assert snapshot.diagnostics.skipped_messages == 0
    assert len(snapshot.diagnostics.certificate) == 64


def test_an_address_the_device_lacks_is_counted_and_the_other_values_kept(
    device: SimulatedHttpsReceiver,
) -> None:
    device.channels[0].battery_percent = 35
    device.configure(refuse=frozenset({("mates", "tx2", "battery", "gauge")}))
    snapshot = _poll(device)
    first, second, *_ = snapshot.channels
    assert (first.battery_percent, second.battery_percent) == (35, None)
    assert second.tx_type != ""
    assert snapshot.device_id == "1454100930"
    diagnostics = snapshot.diagnostics
    assert diagnostics.skipped_messages == 1
    assert diagnostics.last_skipped == "refused: /mates/tx2/battery/gauge error 404 (not found)"
    assert diagnostics.request_form == "sscv2"


def test_the_pinned_certificate_passes_and_another_fails(device: SimulatedHttpsReceiver) -> None:
    pin = _poll(device).diagnostics.certificate
    _poll(device, pinned_certificate=pin)
    device.rotate_certificate()
    with pytest.raises(CertificateMismatchError, match="reset the pin"):
        _poll(device, pinned_certificate=pin)


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        ({"password": "wrong"}, DeviceAuthenticationError, "HTTP 401"),
        ({"garbage": True}, ProtocolError, "not UTF-8"),
        ({"truncated": True}, ProtocolError, "truncated JSON"),
        ({"silent": True}, DeviceTimeoutError, "within 1 s"),
        ({"latency": 1.5}, DeviceTimeoutError, "within 1 s"),
        ({"online": False}, DeviceUnreachableError, "cannot open HTTPS"),
    ],
)
def test_faults_fail_the_poll_within_its_timeout(
    device: SimulatedHttpsReceiver, fault: dict[str, object], error: type[Exception], words: str
) -> None:
    if "password" in fault:
        device.password = "Changed-Password-2"
    elif "online" in fault:
        device.online = False
    else:
        device.configure(**fault)
    with pytest.raises(error, match=words):
        _poll(device)
