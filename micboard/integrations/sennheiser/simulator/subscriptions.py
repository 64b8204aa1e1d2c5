"""SSC subscriptions with a lifetime, as the guides describe them.

A request ``{"osc":{"state":{"subscribe":[{"#":{"lifetime":2000},"brightness":null}]}}}`` is
echoed at once, then answered with the subscribed values; later a notification is sent
whenever those values change, and when the lifetime (seconds, default 10) ends the client
gets ``{"osc":{"error":[{"brightness":[310]}]}}`` (SpeechLine guide sections 5 and 8.11).
The Digital 6000 guide echoes the request with its parameters filled in,
``{"#":{"min":0, "max":0, "lifetime":10, "count":1000}, …}`` (section 11.57). ``min`` above
0 also sends the values every ``min`` milliseconds while unchanged (evolution wireless D1
guide, section 5.1.9.1); ``max`` and ``count`` are kept in the echo but not simulated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from micboard.integrations.sennheiser.codec import Path, nest
from micboard.integrations.sennheiser.errors import SUBSCRIPTION_ENDED

Address = tuple[str, int]
Tree = dict[str, object]

DEFAULT_LIFETIME_S = 10.0
"""SpeechLine guide 8.11: "the default lifetime for a subscription to be active is 10 seconds"."""
FILLED_DEFAULTS: Tree = {"min": 0, "max": 0, "lifetime": 10, "count": 1000}
"""The parameters the Digital 6000 guide's echo shows for a request without any (11.57)."""


@dataclass
class Subscription:
    client: Address
    addresses: Tree
    """The subscribed address tree, ``null`` at every leaf."""
    expires: float
    period: float
    """Seconds between notifications of unchanged values (0: only on change)."""
    last: Tree
    next_due: float


def subscribe_entries(request: Tree) -> list[object] | None:
    """The entries of ``/osc/state/subscribe``, or ``None`` for any other request."""
    osc = request.get("osc")
    state = osc.get("state") if isinstance(osc, dict) else None
    entries = state.get("subscribe") if isinstance(state, dict) else None
    return entries if isinstance(entries, list) else None


class Subscriptions:
    """The subscriptions a receiver holds; ``reply`` answers an address tree as a getter."""

    def __init__(self, reply: Callable[[Tree], Tree], *, fills_defaults: bool) -> None:
        self.reply = reply
        self.fills_defaults = fills_defaults
        self.active: list[Subscription] = []

    def subscribe(self, request: Tree, client: Address | None, now: float) -> list[Tree]:
        """The echo, then the subscribed values; remembered for ``client`` when given."""
        entries = subscribe_entries(request) or []
        echoed: list[object] = []
        replies: list[Tree] = []
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            marked = entry.get("#")
            given: Tree = marked if isinstance(marked, dict) else {}
            parameters = {**FILLED_DEFAULTS, **given} if self.fills_defaults else given
            addresses = {k: v for k, v in entry.items() if k != "#"}
            echoed.append({"#": parameters, **addresses} if parameters else addresses)
            values = self.reply(addresses)
            replies.append(values)
            if client is not None:
                self.active.append(_subscription(client, addresses, parameters, values, now))
        return [{"osc": {"state": {"subscribe": echoed}}}, *replies]

    def due(self, now: float) -> list[tuple[Address, Tree]]:
        """Notifications to send now: changed or periodic values, and ended lifetimes."""
        messages: list[tuple[Address, Tree]] = []
        for subscription in list(self.active):
            if now >= subscription.expires:
                self.active.remove(subscription)
                messages.append((subscription.client, _ended(subscription.addresses)))
                continue
            values = self.reply(subscription.addresses)
            periodic = subscription.period > 0 and now >= subscription.next_due
            if values != subscription.last or periodic:
                subscription.last = values
                subscription.next_due = now + subscription.period
                messages.append((subscription.client, values))
        return messages


def _subscription(
    client: Address, addresses: Tree, parameters: Tree, values: Tree, now: float
) -> Subscription:
    lifetime = parameters.get("lifetime", DEFAULT_LIFETIME_S)
    minimum = parameters.get("min", 0)
    seconds = float(lifetime) if isinstance(lifetime, int | float) else DEFAULT_LIFETIME_S
    period = float(minimum) / 1000 if isinstance(minimum, int | float) and minimum > 0 else 0.0
    return Subscription(client, addresses, now + seconds, period, values, now + period)


def _ended(addresses: Tree) -> Tree:
    """``{"osc":{"error":[{…every subscribed address…: [310]}]}}`` (8.11, 14.11)."""
    tree: Tree = {}
    for path in leaves(addresses, ()):
        merge(tree, nest(path, [SUBSCRIPTION_ENDED]))
    return {"osc": {"error": [tree]}}


def leaves(tree: Tree, prefix: Path) -> list[Path]:
    paths: list[Path] = []
    for key, value in tree.items():
        if isinstance(value, dict):
            paths.extend(leaves(value, (*prefix, key)))
        else:
            paths.append((*prefix, key))
    return paths


def merge(into: Tree, tree: Tree) -> None:
    for key, value in tree.items():
        existing = into.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            merge(existing, value)
        else:
            into[key] = value
