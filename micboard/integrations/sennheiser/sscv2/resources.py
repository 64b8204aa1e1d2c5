"""Which SSC v2 resources a poll reads, and where each one is.

What a poll reads is what the UDP driver asks (``SscPoll``): the identity, each channel's
addresses and, for families with them, the meters. Where it is: the documents read give no
EW-DX resource list (the draft says the definitions come "as an OpenAPI specification for
each Sennheiser device"), so micboard reads each SSC address as the resource of the same
path under ``/api``; ``docs/protocols/sennheiser.md`` lists this as open, and this function
is the one place to change when the device's specification is read.
"""

from __future__ import annotations

from micboard.integrations.sennheiser.client import SscPoll
from micboard.integrations.sennheiser.codec import Path
from micboard.integrations.sennheiser.families import Family

API_ROOT = "/api"


def poll_paths(family: Family, channels: int) -> list[Path]:
    return sorted(SscPoll(family, channels).questions)


def resource_path(path: Path) -> str:
    return API_ROOT + "".join(f"/{part}" for part in path)


def address_of(resource: str) -> Path | None:
    """The SSC address a request path names, or ``None`` outside ``/api``."""
    if not resource.startswith(API_ROOT + "/"):
        return None
    parts = tuple(resource[len(API_ROOT) + 1 :].split("/"))
    return parts if all(parts) else None
