"""What each rule finds wrong with a receiver and its channels right now (pure functions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from micboard.models import AlertRule, Channel, ChannelState, Receiver, ReceiverStatus, RuleKind

CRITICAL_BARS = 2
"""At or below this many bars a transmitter's battery is CRITICAL (see channel_state)."""
STALE_POLLS = 3
"""A receiver unseen for this many poll intervals is unreached, whatever its status says."""

_OFF_AFTER_ON = {ChannelState.PREV_GOOD, ChannelState.PREV_REPLACE, ChannelState.PREV_CRITICAL}


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's condition holding on one receiver (``channel`` None) or one channel."""

    rule: AlertRule
    receiver: Receiver
    channel: Channel | None
    summary: str
    since: datetime

    @property
    def subject(self) -> str:
        return f"c{self.channel.pk}" if self.channel else f"r{self.receiver.pk}"


def _label(receiver: Receiver, channel: Channel) -> str:
    name = f" {channel.name}" if channel.name else ""
    return f"{receiver.name} ch{channel.number}{name}"


def _battery(rule: AlertRule, receiver: Receiver, channel: Channel, now: datetime) -> str:
    bars, runtime = channel.battery_bars, channel.runtime_minutes
    if bars is not None and bars <= CRITICAL_BARS:
        return f"{_label(receiver, channel)}: battery critical ({bars} bar{'s' * (bars != 1)})"
    limit = rule.runtime_minutes
    if bars is not None and runtime is not None and limit is not None and runtime < limit:
        return f"{_label(receiver, channel)}: {runtime} min of battery left"
    return ""


def _transmitter_lost(rule: AlertRule, receiver: Receiver, channel: Channel, now: datetime) -> str:
    gone = channel.state in _OFF_AFTER_ON or (
        channel.state == ChannelState.TX_COM_ERROR and channel.last_battery_bars is not None
    )
    return f"{_label(receiver, channel)}: transmitter lost" if gone else ""


def _left_on(rule: AlertRule, receiver: Receiver, channel: Channel, now: datetime) -> str:
    on = channel.battery_bars is not None
    return f"{_label(receiver, channel)}: transmitter left on" if on else ""


_CHANNEL_RULES: dict[str, Callable[[AlertRule, Receiver, Channel, datetime], str]] = {
    RuleKind.BATTERY: _battery,
    RuleKind.TRANSMITTER_LOST: _transmitter_lost,
    RuleKind.LEFT_ON: _left_on,
}


def _offline(rule: AlertRule, receiver: Receiver, now: datetime) -> Finding | None:
    seen = receiver.last_seen_at
    stale = seen is not None and now - seen > timedelta(
        seconds=STALE_POLLS * receiver.poll_interval
    )
    if receiver.status != ReceiverStatus.OFFLINE and not stale:
        return None
    return Finding(rule, receiver, None, f"{receiver.name}: receiver not answering", seen or now)


def rule_applies(rule: AlertRule, *, watched: bool) -> bool:
    """Left-on only outside watched hours; the others always or only within them."""
    if rule.kind == RuleKind.LEFT_ON:
        return not watched
    return watched or not rule.watched_hours_only


def findings(
    rule: AlertRule, receiver: Receiver, channels: list[Channel], *, now: datetime
) -> list[Finding]:
    """Everything ``rule`` finds on ``receiver`` (call only when the rule applies)."""
    if not receiver.enabled:
        return []
    if rule.kind == RuleKind.RECEIVER_OFFLINE:
        found = _offline(rule, receiver, now)
        return [found] if found else []
    if receiver.status != ReceiverStatus.ONLINE:
        return []  # an unreachable receiver's channel values are stale
    check = _CHANNEL_RULES[rule.kind]
    result = []
    for channel in channels:
        summary = check(rule, receiver, channel, now)
        if summary:
            result.append(Finding(rule, receiver, channel, summary, now))
    return result
