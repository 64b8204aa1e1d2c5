"""SSC error codes the guides name, and what each means in a diagnostic."""

from __future__ import annotations

SUBSCRIPTION_ENDED = 310
"""SpeechLine guide section 8.11: a subscription "terminates ... with" ``[310]``."""
NOT_FOUND = 404
"""SpeechLine guide section 14.4: ``{"out1":[404]}``, an address the device lacks."""
WRITE_PROTECTED = 406
"""SpeechLine guide section 14.4: ``{"write_protection":[406]}``."""
TX_NOT_PRESENT = 424
"""EW-DX guide, e.g. section 8.106: "424 indicates that TX is not present"."""

MEANINGS = {
    SUBSCRIPTION_ENDED: "subscription ended",
    NOT_FOUND: "not found",
    WRITE_PROTECTED: "write protected",
    TX_NOT_PRESENT: "transmitter not present",
}


def describe(code: int) -> str:
    """``error 404 (not found)``; a code no guide names is shown bare."""
    meaning = MEANINGS.get(code)
    return f"error {code} ({meaning})" if meaning else f"error {code}"
