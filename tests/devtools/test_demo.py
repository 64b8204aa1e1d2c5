from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django_celery_beat.models import PeriodicTask

from micboard.devtools.demo import (
    DEMO_DRAIN,
    DEMO_RUNTIME_LEVELS,
    DemoOptions,
    admin_credentials,
    demo_venue,
    flower_credentials,
    start_broker,
    wait_until_online,
)
from micboard.devtools.processes import ProcessGroup
from micboard.integrations.shure.simulator.channel import SimulatedChannel
from micboard.models import Receiver
from micboard.simulator import ALL_FAMILIES_MODELS, DEMO_MODELS, demo_specs
from tests.ports import free_port

pytestmark = pytest.mark.django_db


def test_demo_venue_is_idempotent_and_mixes_models() -> None:
    options = DemoOptions(simulator_base_port=25000)
    venue = demo_venue(options)
    again = demo_venue(options)
    assert venue.pk == again.pk
    receivers = Receiver.objects.filter(venue=venue).order_by("port")
    assert [r.port for r in receivers] == list(range(25000, 25008))
    assert {r.channel_count for r in receivers} == {1, 2, 4}
    assert {r.family for r in receivers} == {"ULXD", "QLXD", "EWDX", "SLMCRDW", "D6000"}
    assert {r.protocol for r in receivers if r.family == "EWDX"} == {"sennheiser-ssc-ewdx"}
    assert PeriodicTask.objects.filter(name="micboard.dispatch:demo").exists()


def test_demo_venue_shrinks_to_the_requested_size() -> None:
    demo_venue(DemoOptions(simulator_base_port=25000))
    venue = demo_venue(DemoOptions(receivers=3, simulator_base_port=25000))
    assert Receiver.objects.filter(venue=venue).count() == 3


def test_admin_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICBOARD_DEMO_USER", "stage")
    monkeypatch.setenv("MICBOARD_DEMO_PASSWORD", "manager")
    credentials = admin_credentials()
    assert (credentials.username, credentials.password) == ("stage", "manager")
    user = authenticate(username="stage", password="manager")
    assert user is not None
    assert user.is_superuser


def test_generated_admin_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICBOARD_DEMO_PASSWORD", raising=False)
    credentials = admin_credentials()
    assert len(credentials.password) >= 12
    assert authenticate(username=credentials.username, password=credentials.password)


def test_flower_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWER_BASIC_AUTH", "ops:secret:with:colons")
    assert flower_credentials().password == "secret:with:colons"
    monkeypatch.delenv("FLOWER_BASIC_AUTH")
    generated = flower_credentials()
    assert generated.username == "flower"
    assert len(generated.password) >= 12


def test_wait_until_online_is_bounded() -> None:
    venue = demo_venue(DemoOptions(simulator_base_port=25000))
    assert wait_until_online(venue, seconds=0.2) == 0


def test_demo_venue_of_every_family() -> None:
    venue = demo_venue(
        DemoOptions(receivers=len(ALL_FAMILIES_MODELS), models=ALL_FAMILIES_MODELS,
                    simulator_base_port=25100)
    )  # fmt: skip
    receivers = Receiver.objects.filter(venue=venue)
    assert {r.family for r in receivers} == {
        "ULXD", "QLXD", "SLXD", "AD", "UHFR", "PSM1000", "EWDX", "SLMCRDW", "D6000", "SLDW"
    }  # fmt: skip
    assert receivers.get(model="UR4D").protocol == "shure-uhfr"


def test_demo_starts_a_private_redis_when_none_answers(tmp_path: Path) -> None:
    port = free_port()
    group = ProcessGroup(tmp_path)
    try:
        message = start_broker(group, f"redis://127.0.0.1:{port}/0")
        assert message == f"started a private redis-server on 127.0.0.1:{port}"
        assert start_broker(group, f"redis://127.0.0.1:{port}/0").startswith("Redis answers")
    finally:
        group.stop_all(grace_seconds=5)
    assert [child.name for child in group.children] == []


def test_two_minutes_into_the_demo_the_wall_is_mostly_not_red() -> None:
    """The demo's transmitters drained second by second for 120 s, judged as the demo venue
    judges them: most are still not CRITICAL (nor switched off for a battery swap)."""
    channels = [
        SimulatedChannel.from_spec(spec, has_battery=True)
        for receiver in demo_specs(8, models=DEMO_MODELS)
        for spec in receiver.channels
    ]
    on_at_start = [c for c in channels if c.runtime_minutes is not None]
    before = sum(c.runtime_minutes or 0 for c in on_at_start)
    pending = 0.0
    for _ in range(120):
        pending += DEMO_DRAIN
        whole, pending = int(pending), pending - int(pending)
        for channel in on_at_start:
            channel.drain(whole)
    _, critical = DEMO_RUNTIME_LEVELS
    red = [c for c in on_at_start if c.runtime_minutes is None or c.runtime_minutes < critical]
    assert len(on_at_start) >= 8  # the Shure transmitters of the mixed rack
    assert not red, [c.runtime_minutes for c in on_at_start]  # at 1 min/s two would be
    drained = before - sum(c.runtime_minutes or 0 for c in on_at_start)
    assert drained == round(120 * DEMO_DRAIN) * len(on_at_start)  # yet they do run down


def test_the_demo_venue_judges_batteries_by_runtime() -> None:
    venue = demo_venue(DemoOptions(simulator_base_port=25000))
    levels = (venue.battery_replace_minutes, venue.battery_critical_minutes)
    assert levels == DEMO_RUNTIME_LEVELS
