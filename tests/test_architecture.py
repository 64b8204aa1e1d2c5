"""Architecture rules that a linter cannot express: no business logic in model signals."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_SIGNALS = {"pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed"}
# Signals only for cache invalidation (docs/adr/0008-no-business-signals.md).
ALLOWED = {"micboard/infrastructure/wall_invalidation.py"}


def uses_model_signals(tree: ast.AST) -> bool:
    """True when the module imports a model signal (the only way to connect a receiver to it)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.db.models.signals":
            imported = {alias.name for alias in node.names}
            if imported & (MODEL_SIGNALS | {"*"}):
                return True
        if isinstance(node, ast.Attribute) and node.attr in MODEL_SIGNALS:
            return True
    return False


def source_files() -> list[Path]:
    files = [*ROOT.glob("micboard/**/*.py")]
    return [f for f in files if "migrations" not in f.parts]


def test_no_business_signals_outside_the_allowed_list() -> None:
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in source_files()
        if uses_model_signals(ast.parse(path.read_text(), filename=str(path)))
    ]
    assert sorted(set(offenders) - ALLOWED) == [], "model signal receivers outside the list"


def test_the_check_sees_both_ways_of_reaching_a_signal() -> None:
    imported = "from django.db.models.signals import post_save\npost_save.connect(print)\n"
    dotted = "from django.db.models import signals\nsignals.pre_delete.connect(print)\n"
    harmless = "from django.dispatch import Signal\nchanged = Signal()\n"
    assert uses_model_signals(ast.parse(imported))
    assert uses_model_signals(ast.parse(dotted))
    assert not uses_model_signals(ast.parse(harmless))
