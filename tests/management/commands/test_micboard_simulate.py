"""``manage.py micboard_simulate`` starts a fleet and registers it in a venue, idempotently."""

from __future__ import annotations

import errno
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from micboard.composition import secret_box
from micboard.models import Receiver, ReceiverFamily, Venue
from micboard.simulator.addresses import HostRange
from tests.factories import make_receiver
from tests.loopback import on_free_hosts
from tests.ports import free_port_block

pytestmark = pytest.mark.django_db


def simulate(*args: str) -> str:
    out = StringIO()
    call_command("micboard_simulate", *args, "--exit-after", "0.2", stdout=out)
    return out.getvalue()


def test_registers_every_family_with_its_protocol_and_reruns_idempotently() -> None:
    base = free_port_block(6)
    args = ("--venue", "sim-hall", "--families", "all", "--count", "6", "--base-port", str(base))

    output = simulate(*args)
    simulate(*args)

    receivers = list(Receiver.objects.filter(venue__slug="sim-hall").order_by("port"))
    assert [r.port for r in receivers] == list(range(base, base + 6))
    assert [(r.model, r.protocol, r.family) for r in receivers] == [
        ("ULXD4Q", "shure-tcp", ReceiverFamily.ULXD),
        ("QLXD4", "shure-tcp", ReceiverFamily.QLXD),
        ("SLXD4D", "shure-slxd", ReceiverFamily.SLXD),
        ("AD4Q", "shure-axient", ReceiverFamily.AD),
        ("UR4D", "shure-uhfr", ReceiverFamily.UHFR),
        ("P10T", "shure-psm1000", ReceiverFamily.PSM1000),
    ]
    assert [r.channel_count for r in receivers] == [4, 1, 2, 4, 2, 2]
    assert "simulating 6 receivers for venue 'sim-hall'" in output


def test_replace_removes_what_an_earlier_larger_run_left() -> None:
    base = free_port_block(4)
    args = ("--venue", "sim-shrink", "--models", "QLXD4", "--base-port", str(base))
    simulate(*args, "--count", "4")
    simulate(*args, "--count", "2")
    assert Receiver.objects.filter(venue__slug="sim-shrink").count() == 4  # kept without it
    output = simulate(*args, "--count", "2", "--replace")
    ports = Receiver.objects.filter(venue__slug="sim-shrink").values_list("port", flat=True)
    assert sorted(ports) == [base, base + 1]
    assert f"removed Sim 3 QLXD4 (127.0.0.1:{base + 2})" in output


def test_a_bad_scenario_is_a_command_error_naming_the_line(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("events:\n  - scenario: meltdown\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"line 2: events\[0\].scenario: 'meltdown'"):
        simulate("--venue", "sim-bad", "--scenario", str(plan))

    assert not Receiver.objects.filter(venue__slug="sim-bad").exists()


def test_an_unknown_model_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="unknown Shure receiver model 'XLR9'"):
        simulate("--venue", "sim-bad", "--models", "XLR9")


def simulate_on_hosts(hosts: HostRange, *args: str) -> HostRange:
    """``simulate`` at ``hosts``; a taken address raises ``OSError`` for ``on_free_hosts``."""
    try:
        simulate(*args, "--hosts", str(hosts))
    except CommandError as error:
        if "Address already in use" in str(error):
            raise OSError(errno.EADDRINUSE, str(error)) from None
        raise
    return hosts


def test_registers_receivers_at_their_own_addresses_and_port() -> None:
    # Sennheiser receivers take SSC's port 45, which needs the privilege to bind it.
    privileged = os.geteuid() == 0
    args = ("--venue", "sim-lan", "--families", "all", *(() if privileged else ("--port", "2202")))
    hosts = on_free_hosts(16, lambda hosts: simulate_on_hosts(hosts, *args))

    receivers = list(Receiver.objects.filter(venue__slug="sim-lan").order_by("id"))
    expected = [str(hosts.first + offset) for offset in range(16)]
    assert [r.host for r in receivers] == expected
    assert {r.port for r in receivers[:12]} == {2202}
    assert {r.port for r in receivers[12:]} == {45 if privileged else 2202}
    assert receivers[4].protocol == "shure-uhfr"
    assert receivers[12].protocol == "sennheiser-ssc-ewdx"


def test_replace_removes_the_addresses_an_earlier_larger_run_had() -> None:
    args = ("--venue", "sim-lan-shrink", "--models", "ULXD4D")
    hosts = on_free_hosts(4, lambda hosts: simulate_on_hosts(hosts, *args, "--count", "4"))
    venue = Venue.objects.get(slug="sim-lan-shrink")
    for real in ("10.0.4.21", "rx9.venue.example"):  # receivers no simulator plays
        make_receiver(venue, host=real, port=2202, model="ULXD4")
    output = simulate(*args, "--count", "2", "--hosts", str(hosts.first), "--replace")

    remaining = Receiver.objects.filter(venue__slug="sim-lan-shrink").values_list("host", flat=True)
    assert set(remaining) == {
        str(hosts.first),
        str(hosts.first + 1),
        "10.0.4.21",
        "rx9.venue.example",
    }
    assert f"removed Sim 4 ULXD4D ({hosts.first + 3}:2202)" in output


def test_address_options_that_conflict_are_a_command_error() -> None:
    with pytest.raises(CommandError, match="--hosts gives each receiver its own address"):
        simulate("--venue", "sim-bad", "--hosts", "127.0.0.2", "--base-port", "24000")


def test_sscv2_registers_the_ewdx_with_its_protocol_and_password() -> None:
    base = free_port_block(2)
    args = ("--venue", "sim-sscv2", "--models", "EW-DX-EM-2,EM6000", "--base-port", str(base))
    simulate(*args, "--sscv2", "--sscv2-password", "Sim-Pass-Word-9")
    ewdx, em6000 = Receiver.objects.filter(venue__slug="sim-sscv2").order_by("port")
    assert (ewdx.protocol, em6000.protocol) == ("sennheiser-sscv2-ewdx", "sennheiser-ssc-d6000")
    assert secret_box().decrypt(ewdx.device_password) == "Sim-Pass-Word-9"
    assert em6000.device_password == ""
