"""gunicorn's access log without kiosk tokens: ``--logger-class`` names this logger."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from micboard.project.logging import REDACTED, redact_kiosk_tokens

_KIOSK_HEADER_ATOM = "{x-kiosk-token}i"


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types
    """Every access-log atom (request line, path, query, referer) with tokens masked."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        found = super().atoms(resp, req, environ, request_time)
        for name, value in found.items():
            if isinstance(value, str):
                found[name] = redact_kiosk_tokens(value)
        if found.get(_KIOSK_HEADER_ATOM):
            found[_KIOSK_HEADER_ATOM] = REDACTED
        return found
