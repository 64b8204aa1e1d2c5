"""An asyncio simulator of every Shure receiver family micboard speaks.

``SimulatedReceiver`` holds a receiver's state, switches and protocol; ``tcp`` and ``udp``
carry its bytes; ``faults`` damages them on purpose; ``refusals`` holds what a receiver
refuses. Fleets are built from this package.
"""

from __future__ import annotations

from micboard.integrations.shure.simulator.channel import SWAP_TICKS
from micboard.integrations.shure.simulator.faults import VARIATIONS, Behaviour, GarbageMode
from micboard.integrations.shure.simulator.receiver import SimulatedReceiver
from micboard.integrations.shure.simulator.refusals import CommandRejectedError
from micboard.integrations.shure.specs import ChannelSpec, ReceiverSpec, receiver_spec

__all__ = [
    "SWAP_TICKS",
    "VARIATIONS",
    "Behaviour",
    "ChannelSpec",
    "CommandRejectedError",
    "GarbageMode",
    "ReceiverSpec",
    "SimulatedReceiver",
    "receiver_spec",
]
