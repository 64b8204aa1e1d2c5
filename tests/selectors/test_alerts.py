"""Reads of alerts: filters, and the raised alerts on the display wall's tiles and banner."""

from __future__ import annotations

import pytest

from micboard.composition import alert_service, device_service
from micboard.models import Alert, AlertState
from micboard.selectors.alerts import alert_list, alert_rule_list
from micboard.selectors.wall import wall_read
from micboard.services.dto import PolledSnapshot, UnreachablePoll
from tests.factories import make_receiver, make_venue, snapshot

pytestmark = pytest.mark.django_db


def test_tiles_carry_their_alerts_and_the_banner_lists_open_ones_first() -> None:
    venue = make_venue()
    rack, silent = make_receiver(venue, model="ULXD4D"), make_receiver(venue, model="ULXD4D")
    devices = device_service()
    devices.polls_apply(answered=[PolledSnapshot(rack, snapshot(2, bars=1))], unreachable=[])
    first, second = Alert.objects.order_by("pk")
    alert_service().alert_acknowledge(alert_id=first.pk, by="sam")
    devices.polls_apply(answered=[], unreachable=[UnreachablePoll(silent, "refused")])
    wall = wall_read(venue=venue, version=1)
    tiles = {t["key"]: t for t in wall["tiles"]}
    assert tiles[f"{rack.pk}:1"]["alert"] == AlertState.ACKNOWLEDGED
    assert tiles[f"{rack.pk}:2"]["alert"] == AlertState.OPEN
    assert "battery critical" in tiles[f"{rack.pk}:2"]["alert_text"]
    assert tiles[f"{silent.pk}:1"]["alert"] is None  # offline, but within the rule's delay
    assert [a["state"] for a in wall["alerts"]] == ["open", "acknowledged"]
    assert wall["alerts"][0]["id"] == second.pk


def test_alerts_and_rules_filter_by_venue_state_and_rule() -> None:
    venue, other = make_venue(), make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    device_service().polls_apply(
        answered=[PolledSnapshot(receiver, snapshot(2, bars=1))], unreachable=[]
    )
    assert alert_list(venue_slug=venue.slug, state="open", rule="battery").count() == 2
    assert not alert_list(venue_slug=other.slug).exists()
    assert not alert_list(rule="left_on").exists()
    assert alert_rule_list(venue_slug=venue.slug).count() == 4
    assert alert_rule_list().count() == 8
