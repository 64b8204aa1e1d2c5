"""Architecture rules that a linter cannot express: signals, module size, module docstrings."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL_SIGNALS = {"pre_save", "post_save", "pre_delete", "post_delete", "m2m_changed"}
# Signals only for cache invalidation (docs/adr/0008-no-business-signals.md).
ALLOWED = {
    "micboard/infrastructure/wall_invalidation.py",
    "micboard/infrastructure/alert_settings_version.py",  # workers' kept alert settings
}
MAX_MODULE_LINES = 400


def uses_model_signals(tree: ast.AST) -> bool:
    """True when the module imports a model signal (the only way to connect a receiver to it)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.db.models.signals":
            imported = {alias.name for alias in node.names}
            if imported & (MODEL_SIGNALS | {"*"}):
                return True
        if isinstance(node, ast.Attribute) and node.attr in MODEL_SIGNALS:
            # ``signals.post_save`` (or a longer dotted path); not ``Field.pre_save``
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if name == "signals":
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
    a_field_method = "value = field.pre_save(obj, True)\n"
    assert uses_model_signals(ast.parse(imported))
    assert uses_model_signals(ast.parse(dotted))
    assert not uses_model_signals(ast.parse(harmless))
    assert not uses_model_signals(ast.parse(a_field_method))
    full = "import django.db.models.signals\ndjango.db.models.signals.post_save.connect(print)\n"
    assert uses_model_signals(ast.parse(full))


def opening_line(tree: ast.Module) -> str:
    """The first line of the module's docstring when it is a whole line on its own."""
    doc = ast.get_docstring(tree, clean=False) or ""
    lines = doc.strip().splitlines()
    if not lines or (len(lines) > 1 and lines[1].strip()):
        return ""
    return lines[0].strip()


def test_every_module_is_small_and_opens_with_one_line_saying_what_it_holds() -> None:
    too_long, undescribed = [], []
    for path in source_files():
        text = path.read_text()
        name = path.relative_to(ROOT).as_posix()
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(name)
        if not opening_line(ast.parse(text, filename=name)):
            undescribed.append(name)
    assert too_long == [], f"modules over {MAX_MODULE_LINES} lines"
    assert undescribed == [], "modules without a one-line docstring"


def test_the_opening_line_must_stand_alone() -> None:
    assert opening_line(ast.parse('"""Receivers and channels."""\n')) == "Receivers and channels."
    assert opening_line(ast.parse('"""Holds:\n\nthe rest."""\n')) == "Holds:"
    assert opening_line(ast.parse('"""A sentence that goes\non."""\n')) == ""
    assert opening_line(ast.parse("x = 1\n")) == ""


REDIS_CLIENT_HOME = "micboard/infrastructure/redis.py"
KEYS_HOME = "micboard/infrastructure/keys.py"
KEY_FRAGMENTS = ("lock:", "resync:", "wall:version", "wall:state", "beat:leader", ":events")


def builds_a_redis_client(tree: ast.AST) -> bool:
    """True when the module calls ``Redis(...)``, ``Redis.from_url`` or ``redis.from_url``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"Redis", "StrictRedis"}:
            return True
        if isinstance(func, ast.Attribute) and func.attr in {"Redis", "StrictRedis"}:
            return True
        if isinstance(func, ast.Attribute) and func.attr == "from_url":
            owner = func.value
            owner_name = (
                owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            )
            if owner_name in {"redis", "Redis", "StrictRedis"}:
                return True
    return False


def spells_a_redis_key(tree: ast.AST) -> bool:
    """True when a string in the module's code (not its docstrings) looks like a Redis key."""
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and any(fragment in node.value for fragment in KEY_FRAGMENTS)
        for node in ast.walk(tree)
    )


def test_redis_clients_and_keys_are_built_in_one_place_each() -> None:
    clients, keys = [], []
    for path in source_files():
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(), filename=name)
        if name != REDIS_CLIENT_HOME and builds_a_redis_client(tree):
            clients.append(name)
        if name != KEYS_HOME and spells_a_redis_key(tree):
            keys.append(name)
    assert clients == [], f"Redis clients built outside {REDIS_CLIENT_HOME}"
    assert keys == [], f"Redis keys spelled outside {KEYS_HOME}"


def test_the_checks_see_clients_and_keys() -> None:
    assert builds_a_redis_client(ast.parse("import redis\nredis.Redis.from_url('redis://')\n"))
    assert builds_a_redis_client(ast.parse("from redis import Redis\nRedis(host='h')\n"))
    assert not builds_a_redis_client(ast.parse("BrokerAddress.from_url('redis://')\n"))
    assert spells_a_redis_key(ast.parse("key = f'{prefix}:lock:receiver:{pk}'\n"))
    assert not spells_a_redis_key(ast.parse("name = 'receiver'\n"))
