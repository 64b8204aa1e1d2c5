"""Re-encrypting a column of stored secrets with the newest key, row by row and race-free."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction

from micboard.infrastructure.secret_box import SecretBox, UndecryptableSecretError


@dataclass(frozen=True, slots=True)
class RotationReport:
    rotated: int
    current: int
    undecryptable: list[int]
    """Rows whose secret none of the keys decrypts: left as they are."""


def column_rotate(*, model: type[models.Model], field: str, box: SecretBox) -> RotationReport:
    """Every non-empty ``field`` of ``model`` encrypted with the newest key."""
    rotated = current = 0
    failed: list[int] = []
    rows = model._default_manager.exclude(**{field: ""}).order_by("pk").values_list("pk", field)
    for pk, token in rows:
        if box.is_current(token):
            current += 1
            continue
        try:
            fresh = box.rotate(token)
        except UndecryptableSecretError:
            failed.append(pk)
            continue
        with transaction.atomic():  # only if nobody replaced the secret meanwhile
            rotated += model._default_manager.filter(pk=pk, **{field: token}).update(
                **{field: fresh}
            )
    return RotationReport(rotated, current, failed)
