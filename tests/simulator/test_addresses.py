"""Receivers on their own addresses: ranges, lists, the scenario keys and their errors."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

import pytest

from micboard.integrations.sennheiser.families import SSC_PORT, SSCV2_PORT
from micboard.simulator import ScenarioError, load_scenario, plan_simulation
from micboard.simulator.addresses import (
    DEVICE_PORT,
    HostList,
    HostRange,
    assign_addresses,
    parse_address,
    parse_host_range,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "venue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_range_gives_consecutive_addresses_across_octets_at_the_device_port() -> None:
    addresses = assign_addresses(parse_host_range("127.0.0.254-127.0.1.5"), 4)

    assert addresses == [
        ("127.0.0.254", DEVICE_PORT),
        ("127.0.0.255", DEVICE_PORT),
        ("127.0.1.0", DEVICE_PORT),
        ("127.0.1.1", DEVICE_PORT),
    ]


def test_an_open_range_holds_ten_thousand_receivers() -> None:
    addresses = assign_addresses(parse_host_range("127.0.0.2"), 10_000, 2203)

    assert addresses[-1] == ("127.0.39.17", 2203)
    assert len(set(addresses)) == 10_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("127.0.0.9-127.0.0.2", "'127.0.0.9-127.0.0.2': the range ends before it starts"),
        ("localhost", "'localhost' is not an IPv4 address like 127.0.0.2"),
        ("::1", "'::1' is not an IPv4 address"),
        ("0.0.0.0", "0.0.0.0 is not an address a receiver can listen on"),
        ("127.0.0.0", "127.0.0.0 is not an address a receiver can listen on"),
    ],
)
def test_bad_ranges_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.")):
        parse_host_range(text)


@pytest.mark.parametrize(
    ("plan", "count", "message"),
    [
        (HostRange(IPv4Address("127.0.0.2"), IPv4Address("127.0.0.9")), 10, "holds 8 addresses"),
        (HostRange(IPv4Address("127.255.255.250")), 6, "holds 5 addresses"),
        (
            HostRange(IPv4Address("127.255.255.250"), IPv4Address("128.0.0.9")),
            6,
            "runs past 127.255.255.254, the last loopback address",
        ),
        (HostList((("127.0.0.2", None),)), 2, "lists 1 addresses for 2 receivers"),
        (
            HostList((("127.0.0.2", None), ("127.0.0.2", DEVICE_PORT))),
            2,
            "receivers 0 and 1 are both at 127.0.0.2:2202",
        ),
    ],
)
def test_plans_too_small_or_repeating_are_refused(
    plan: HostRange | HostList, count: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        assign_addresses(plan, count)


def test_a_list_entry_may_carry_its_own_port() -> None:
    plan = HostList((parse_address("127.0.0.2"), parse_address("127.0.0.2:2203")))

    assert assign_addresses(plan, 2, 2300) == [("127.0.0.2", 2300), ("127.0.0.2", 2203)]


def test_scenario_hosts_as_a_range_or_a_list(tmp_path: Path) -> None:
    ranged = load_scenario(write(tmp_path, "fleet: {hosts: 127.0.0.2-127.0.0.200, port: 2300}"))
    listed = load_scenario(write(tmp_path, "fleet:\n  hosts: [127.0.0.7, '127.0.0.8:2203']\n"))

    assert ranged.fleet.hosts == parse_host_range("127.0.0.2-127.0.0.200")
    assert ranged.fleet.port == 2300
    assert listed.fleet.hosts == HostList((("127.0.0.7", None), ("127.0.0.8", 2203)))
    assert listed.fleet.port is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fleet:\n  hosts: 7\n", "line 2: fleet.hosts: must be a range like 127.0.0.2-"),
        ("fleet:\n  hosts: 127.0.0.x\n", "line 2: fleet.hosts: '127.0.0.x' is not an IPv4"),
        (
            "fleet:\n  hosts:\n    - 127.0.0.2\n    - 127.0.0.3:99999\n",
            "line 4: fleet.hosts[1]: port 99999 is not 1-65535",
        ),
        ("fleet:\n  hosts: [3]\n", "fleet.hosts[0]: 3 is not an address like 127.0.0.2"),
        ("fleet:\n  hosts: 127.0.0.2\n  port: x\n", "line 3: fleet.port: port 'x' is not a"),
        ("fleet:\n  hosts: 127.0.0.2\n  port: [1]\n", "fleet.port: port [1] is not a number"),
        ("fleet:\n  port: 2202\n", "line 2: fleet.port: is the port of each receiver's own"),
        (
            "fleet:\n  hosts: 127.0.0.2\n  base_port: 24000\n",
            "line 3: fleet.base_port: numbers the ports on one address, but hosts",
        ),
    ],
)
def test_bad_address_keys_say_where_and_why(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, text))

    assert message in str(caught.value)


def test_the_plan_gives_each_receiver_its_address_from_the_options_or_the_file(
    tmp_path: Path,
) -> None:
    from_options = plan_simulation(
        count=3, models=["ULXD4D"], hosts=parse_host_range("127.0.0.5"), port=2300
    )
    scenario = write(tmp_path, "fleet: {count: 2, hosts: [127.0.0.9, '127.0.0.9:2203']}")
    from_file = plan_simulation(scenario=scenario, models=["ULXD4D"])
    shared = plan_simulation(scenario=scenario, models=["ULXD4D"], base_port=24000)

    assert from_options.fleet.addresses == (
        ("127.0.0.5", 2300),
        ("127.0.0.6", 2300),
        ("127.0.0.7", 2300),
    )
    assert from_file.fleet.addresses == (("127.0.0.9", DEVICE_PORT), ("127.0.0.9", 2203))
    assert shared.fleet.addresses is None  # a base port on the command line wins
    assert (shared.fleet.host, shared.fleet.base_port) == ("127.0.0.1", 24000)


def test_with_sscv2_an_ewdx_at_its_own_address_serves_https_at_443() -> None:
    plan = plan_simulation(
        models=["EW-DX-EM-2", "EM6000", "ULXD4D"],
        hosts=parse_host_range("127.0.0.20-127.0.0.22"),
        sscv2=True,
    )
    ewdx, em6000 = plan.ssc.receivers
    assert (ewdx.transport, ewdx.host, ewdx.port) == ("https", "127.0.0.20", SSCV2_PORT)
    assert (em6000.transport, em6000.port) == ("udp", SSC_PORT)
    assert plan.fleet.addresses == (("127.0.0.22", DEVICE_PORT),)
    udp_only = plan_simulation(models=["EW-DX-EM-2"], hosts=parse_host_range("127.0.0.20"))
    assert (udp_only.ssc.receivers[0].transport, udp_only.ssc.receivers[0].port) == (
        "udp",
        SSC_PORT,
    )


def test_the_plan_refuses_mixed_or_short_address_options(tmp_path: Path) -> None:
    hosts = parse_host_range("127.0.0.2-127.0.0.3")
    with pytest.raises(ValueError, match="--hosts gives each receiver its own address; --host"):
        plan_simulation(hosts=hosts, base_port=24000)
    with pytest.raises(ValueError, match="--port is the port of each receiver's own address"):
        plan_simulation(port=2202)
    with pytest.raises(ValueError, match=r"^--hosts 127\.0\.0\.2-127\.0\.0\.3: holds 2 addresses"):
        plan_simulation(count=3, hosts=hosts)
    scenario = write(tmp_path, "fleet: {hosts: [127.0.0.2]}")
    with pytest.raises(ScenarioError, match=r"venue.yaml: fleet.hosts: lists 1 addresses for 2"):
        plan_simulation(count=2, scenario=scenario)


def test_a_sennheiser_receiver_at_its_own_address_listens_at_the_ssc_port() -> None:
    mixed = plan_simulation(models=["ULXD4D", "EM6000"], hosts=parse_host_range("127.0.0.5"))
    shared = plan_simulation(models=["ULXD4D", "EM6000"], base_port=24000)
    given = plan_simulation(
        models=["ULXD4D", "EM6000"], hosts=parse_host_range("127.0.0.5"), port=2300
    )

    assert mixed.fleet.addresses == (("127.0.0.5", DEVICE_PORT),)
    assert [(r.host, r.port) for r in mixed.ssc.receivers] == [("127.0.0.6", SSC_PORT)]
    assert shared.fleet.addresses == (("127.0.0.1", 24000),)
    assert [(r.host, r.port) for r in shared.ssc.receivers] == [("127.0.0.1", 24001)]
    assert [r.port for r in given.ssc.receivers] == [2300]
    assert [r.model for r in mixed.receivers] == ["ULXD4D", "EM6000"]


def test_a_mixed_fleet_on_one_host_gives_no_two_receivers_one_port() -> None:
    """Shure receivers hold TCP ports and Sennheiser ones UDP ports the system assigns: the
    two port spaces are apart, so a Sennheiser receiver must not take a Shure one's number."""
    simulation = plan_simulation(count=400, models=["QLXD4", "SLRDW"], drain=0)
    with simulation:
        addresses = [(r.host, r.port) for r in simulation.receivers]
    assert len(set(addresses)) == 400
