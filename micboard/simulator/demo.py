"""The demo venue's receivers, and receivers for any mix of models or families."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from micboard.exceptions import DeviceError
from micboard.integrations.sennheiser.families import FAMILIES as SSC_FAMILIES
from micboard.integrations.sennheiser.families import family_of
from micboard.integrations.shure.families import FAMILIES, receiver_model
from micboard.integrations.shure.specs import ReceiverSpec, receiver_spec

SENNHEISER_MODELS = {
    "SLDW": ("SLRDW",),
    "SLMCRDW": ("SL-MCR-2-DW", "SL-MCR-4-DW"),
    "D6000": ("EM6000",),
    "EWDX": ("EW-DX-EM-2", "EW-DX-EM-2-DANTE", "EW-DX-EM-4-DANTE"),
}
"""Each Sennheiser family's models as the simulator names them (one name per model)."""
DEMO_MODELS = (
    "ULXD4Q", "ULXD4D", "EW-DX-EM-2", "QLXD4",
    "SL-MCR-2-DW", "ULXD4D", "EM6000", "ULXD4",
)  # fmt: skip
"""The demo venue: a mixed rack of ULX-D and QLX-D with EW-DX, SpeechLine and Digital 6000,
16 channels (one for each performer of the demo's cast)."""
SHURE_FAMILIES_MODELS = (
    "ULXD4Q", "QLXD4", "SLXD4D", "AD4Q", "UR4D", "P10T",
    "ULXD4D", "SLXD4", "AD4D", "UR4S", "ULXD4", "P10T",
)  # fmt: skip
"""Every Shure family: ULX-D, QLX-D, SLX-D, Axient Digital, UHF-R, PSM1000."""
ALL_FAMILIES_MODELS = (
    *SHURE_FAMILIES_MODELS, "EW-DX-EM-4-DANTE", "SL-MCR-4-DW", "EM6000", "SLRDW",
)  # fmt: skip
"""A demo venue with every family: ULX-D, QLX-D, SLX-D, Axient Digital, UHF-R, PSM1000,
EW-DX, SpeechLine Digital Wireless (rack and multi-channel) and Digital 6000."""
FAMILY_NAMES = tuple(family.name for family in FAMILIES) + tuple(f.name for f in SSC_FAMILIES)


def is_sennheiser(model: str) -> bool:
    try:
        family_of(model)
    except DeviceError:
        return False
    return True


def check_model(model: str) -> None:
    """Raises ``DeviceError`` for a model neither vendor's simulator plays."""
    if is_sennheiser(model):
        return
    try:
        receiver_model(model)
    except DeviceError as error:
        sennheiser = ", ".join(m for models in SENNHEISER_MODELS.values() for m in models)
        raise DeviceError(f"{error.message}; Sennheiser: {sennheiser}") from None


def demo_models(
    count: int | None = None,
    *,
    models: Sequence[str] | None = None,
    families: Iterable[str] | None = None,
) -> list[str]:
    """The demo venue, deterministic: ``models`` round-robin (default ``DEMO_MODELS``), or
    every model of ``families`` (names as in ``FAMILY_NAMES``, or ``all``). ``count``
    defaults to one receiver per model. Raises ``DeviceError`` for an unknown model."""
    chosen = tuple(models or ()) or models_of_families(families or ()) or DEMO_MODELS
    for model in chosen:
        check_model(model)
    total = len(chosen) if count is None else count
    return [chosen[i % len(chosen)] for i in range(total)]


def demo_specs(
    count: int | None = None,
    *,
    models: Sequence[str] | None = None,
    families: Iterable[str] | None = None,
) -> list[ReceiverSpec]:
    """The Shure receivers of ``demo_models(...)`` as specs (their starting values)."""
    chosen = [m for m in demo_models(count, models=models, families=families)]
    return [receiver_spec(model, i) for i, model in enumerate(chosen) if not is_sennheiser(model)]


def models_of_families(families: Iterable[str]) -> tuple[str, ...]:
    """Every model of the named families (``all``: every family); raises ``ValueError``."""
    wanted = {name.strip().upper() for name in families if name.strip()}
    if "ALL" in wanted:
        return ALL_FAMILIES_MODELS
    unknown = wanted - {name.upper() for name in FAMILY_NAMES}
    if unknown:
        known = ", ".join(FAMILY_NAMES)
        raise ValueError(f"unknown family {sorted(unknown)[0]!r} (known: {known}, all)")
    shure = tuple(
        model for family in FAMILIES if family.name.upper() in wanted for model in family.models
    )
    return shure + tuple(
        model
        for family in SSC_FAMILIES
        if family.name.upper() in wanted
        for model in SENNHEISER_MODELS[family.key]
    )


def specs_for_models(models: Sequence[str], count: int) -> list[ReceiverSpec]:
    """``count`` Shure receivers taking ``models`` round-robin; raises ``DeviceError`` for a
    model that is not a Shure one."""
    for model in models:
        receiver_model(model)
    return [receiver_spec(models[i % len(models)], i) for i in range(count)]
