"""Where an SSC value lives as an SSC v2 resource, for the client and the simulator alike.

The documents read give no EW-DX resource list (the SSC v2 draft says the definitions come
"as an OpenAPI specification for each Sennheiser device"), so micboard reads each SSC
address as the resource of the same path under ``/api``. ``docs/protocols/sennheiser.md``
lists this as open; this module is the one place to change once that specification is read.
"""

from __future__ import annotations

from micboard.integrations.sennheiser.codec import Path

API_ROOT = "/api"


def resource_path(path: Path) -> str:
    return API_ROOT + "".join(f"/{part}" for part in path)


def address_of(resource: str) -> Path | None:
    """The SSC address a request path names, or ``None`` outside ``/api``."""
    if not resource.startswith(API_ROOT + "/"):
        return None
    parts = tuple(resource[len(API_ROOT) + 1 :].split("/"))
    return parts if all(parts) else None
