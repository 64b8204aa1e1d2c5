"""Scenario files (YAML or JSON): a fleet and a timeline of events, validated.

Errors name the file, the line and the key at fault.

```yaml
fleet: {count: 12, models: [ULXD4Q, AD4D, UR4D, P10T], seed: 7, tick: 1s, drain: 1}
events:
  - {scenario: rf_dropout, receivers: [0, 2], channel: 1, at: 30s, for: 5s, every: 60s}
  - {scenario: rename, receivers: [1], channel: 2, name: BP99 Understudy, at: 10s}
firmware: {no_get_all: [3], line_commands: all}
```
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from micboard.integrations.shure.simulator import VARIATIONS
from micboard.simulator.actions import ACTIONS
from micboard.simulator.addresses import (
    HostList,
    HostPlan,
    parse_address,
    parse_host_range,
    parse_port,
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
FLEET_KEYS = frozenset({"count", "models", "seed", "tick", "drain", "base_port", "hosts", "port"})
EVENT_KEYS = frozenset({"scenario", "receivers", "channel", "at", "every", "for"})
PATH = tuple[str | int, ...]


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class FleetOptions:
    count: int | None = None
    models: tuple[str, ...] = ()
    seed: int | None = None
    tick: float | None = None
    drain: float | None = None
    base_port: int | None = None
    hosts: HostPlan | None = None
    """Each receiver's own address (a range or a list); ``port`` is their shared port."""
    port: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One timeline entry: ``scenario`` applied at ``at`` seconds, undone ``duration``
    seconds later, repeated every ``every`` seconds (``None``: once)."""

    scenario: str
    receivers: tuple[int | str, ...] | None = None
    """Receiver indexes or model names; ``None``: every receiver."""
    channel: int | None = None
    at: float = 0.0
    every: float | None = None
    duration: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Variation:
    """A firmware variation (a ``Behaviour`` switch) and the receivers it applies to."""

    name: str
    receivers: tuple[int | str, ...] | None = None
    """Receiver indexes or model names; ``None``: every receiver."""


@dataclass(frozen=True, slots=True)
class Scenario:
    fleet: FleetOptions = FleetOptions()
    events: tuple[Event, ...] = ()
    firmware: tuple[Variation, ...] = ()


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; raises ``ScenarioError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"{path}: cannot read ({error.strerror or error})") from None
    data, lines = _parse(path, text)
    return _Validator(str(path), lines).scenario(data)


def parse_duration(value: object) -> float:
    """``30s``, ``500ms``, ``2m``, ``1h`` or a number of seconds; raises ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError("is not a duration")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if match is None:
            raise ValueError(f"{value!r} is not a duration like 30s, 500ms, 2m or 1h")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise ValueError("is negative")
    return seconds


def _parse(path: Path, text: str) -> tuple[object, dict[PATH, int]]:
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"{path} line {error.lineno}: not valid JSON: {error.msg}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ScenarioError(f"{path}{where}: {problem}") from None
    try:
        lines = _lines(yaml.compose(text), ())
    except yaml.YAMLError:
        lines = {}  # valid JSON that YAML 1.1 reads differently: no line numbers
    return data, lines


def _lines(node: yaml.Node | None, path: PATH) -> dict[PATH, int]:
    lines: dict[PATH, int] = {}
    if node is None:
        return lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(_lines(value, (*path, str(key.value))))
            lines[(*path, str(key.value))] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_lines(item, (*path, index)))
    return lines


class _Validator:
    def __init__(self, name: str, lines: dict[PATH, int]) -> None:
        self.name = name
        self.lines = lines

    def fail(self, path: PATH, problem: str) -> ScenarioError:
        line = self.lines.get(path) or self.lines.get(path[:-1])
        where = f" line {line}" if line else ""
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        return ScenarioError(f"{self.name}{where}: {key or 'the file'}: {problem}")

    def scenario(self, data: object) -> Scenario:
        top = self.mapping(data, (), {"fleet", "events", "firmware"})
        fleet = self.fleet(top.get("fleet", {}), ("fleet",))
        raw_events = top.get("events", [])
        if not isinstance(raw_events, list):
            raise self.fail(("events",), "must be a list of events")
        events = tuple(self.event(item, ("events", i)) for i, item in enumerate(raw_events))
        return Scenario(fleet, events, self.firmware(top.get("firmware", {}), ("firmware",)))

    def firmware(self, data: object, path: PATH) -> tuple[Variation, ...]:
        """``{no_get_all: [0, QLXD4], line_commands: all}``: variation -> receivers."""
        raw = self.mapping(data, path, frozenset(VARIATIONS))
        return tuple(
            Variation(name, self.receivers(chosen, (*path, name))) for name, chosen in raw.items()
        )

    def mapping(
        self, data: object, path: PATH, allowed: frozenset[str] | set[str]
    ) -> dict[str, Any]:
        if data is None and path == ():
            return {}
        if not isinstance(data, dict):
            raise self.fail(path, "must be a mapping of keys to values")
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail((*path, str(key)), f"unknown key (known: {known})")
        return data

    def fleet(self, data: object, path: PATH) -> FleetOptions:
        raw = self.mapping(data, path, FLEET_KEYS)
        models = raw.get("models", [])
        if isinstance(models, str):
            models = [m for m in models.split(",") if m.strip()]
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            raise self.fail((*path, "models"), "must be a list of model names")
        return FleetOptions(
            count=self.integer(raw, path, "count", low=1),
            models=tuple(m.strip().upper() for m in models),
            seed=self.integer(raw, path, "seed", low=None),
            tick=self.duration(raw, path, "tick"),
            drain=self.number(raw, path, "drain"),
            base_port=self.integer(raw, path, "base_port", low=0),
            **self.addresses(raw, path),
        )

    def addresses(self, raw: Mapping[str, Any], path: PATH) -> dict[str, Any]:
        """``hosts`` (a range, or a list of ``host`` / ``host:port``) and their ``port``."""
        hosts, port = raw.get("hosts"), raw.get("port")
        if hosts is None:
            if port is not None:
                raise self.fail(
                    (*path, "port"),
                    "is the port of each receiver's own address: set hosts too "
                    "(base_port numbers the ports on one address)",
                )
            return {}
        if raw.get("base_port") is not None:
            raise self.fail(
                (*path, "base_port"),
                "numbers the ports on one address, but hosts gives each receiver its own: "
                "use hosts and port",
            )
        return {"hosts": self.hosts(hosts, (*path, "hosts")), "port": self.port(port, path)}

    def hosts(self, data: object, path: PATH) -> HostPlan:
        try:
            if isinstance(data, str):
                return parse_host_range(data)
            if not isinstance(data, list):
                raise ValueError("must be a range like 127.0.0.2-127.0.0.200 or a list")
        except ValueError as error:
            raise self.fail(path, str(error)) from None
        entries = []
        for index, item in enumerate(data):
            try:
                if not isinstance(item, str):
                    raise ValueError(f"{item!r} is not an address like 127.0.0.2 or 127.0.0.2:2202")
                entries.append(parse_address(item))
            except ValueError as error:
                raise self.fail((*path, index), str(error)) from None
        return HostList(tuple(entries))

    def port(self, data: object, path: PATH) -> int | None:
        if data is None:
            return None
        try:
            if not isinstance(data, int | str):
                raise ValueError(f"port {data!r} is not a number")
            return parse_port(data)
        except ValueError as error:
            raise self.fail((*path, "port"), str(error)) from None

    def event(self, data: object, path: PATH) -> Event:
        if not isinstance(data, dict):
            raise self.fail(path, "must be a mapping with at least a scenario")
        name = data.get("scenario")
        action = ACTIONS.get(str(name))
        if action is None:
            known = ", ".join(sorted(ACTIONS))
            raise self.fail((*path, "scenario"), f"{name!r} is not a scenario (known: {known})")
        raw = self.mapping(data, path, EVENT_KEYS | set(action.params))
        params = {}
        for key, kind in action.params.items():
            if key in raw:
                params[key] = self.param(raw[key], (*path, key), kind)
            elif key in action.required:
                raise self.fail(path, f"{name} needs {key!r}")
        every = self.duration(raw, path, "every")
        if action.periodic and every is None:
            raise self.fail(path, f"{name} needs 'every'")
        return Event(
            scenario=str(name),
            receivers=self.receivers(raw.get("receivers"), (*path, "receivers")),
            channel=self.integer(raw, path, "channel", low=1),
            at=self.duration(raw, path, "at") or 0.0,
            every=every or None,
            duration=self.duration(raw, path, "for"),
            params=params,
        )

    def receivers(self, data: object, path: PATH) -> tuple[int | str, ...] | None:
        if data is None or data == "all":
            return None
        items = data if isinstance(data, list) else [data]
        chosen: list[int | str] = []
        for index, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, int | str):
                raise self.fail((*path, index), "must be a receiver index or a model name")
            if isinstance(item, int) and item < 0:
                raise self.fail((*path, index), "receiver indexes start at 0")
            chosen.append(item.upper() if isinstance(item, str) else item)
        return tuple(chosen)

    def param(self, value: object, path: PATH, kind: str) -> Any:
        try:
            if kind == "duration":
                return parse_duration(value)
            if kind == "text":
                if not isinstance(value, str | int) or not str(value).strip():
                    raise ValueError("must be a non-empty text")
                return str(value)
            if not isinstance(value, int | float | str):
                raise TypeError(f"{value!r} is not a number")
            if kind == "share":
                share = float(value)
                if not 0 <= share <= 1:
                    raise ValueError("must be between 0 and 1")
                return share
            number = int(value)
            if isinstance(value, bool) or number < 0:
                raise ValueError("must be a whole number, 0 or more")
            return number
        except (TypeError, ValueError) as error:
            raise self.fail(path, str(error) if str(error) else f"{value!r} is not valid") from None

    def integer(
        self, raw: Mapping[str, Any], path: PATH, key: str, *, low: int | None
    ) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or (low is not None and value < low)
        ):
            bound = "" if low is None else f" of at least {low}"
            raise self.fail((*path, key), f"{value!r} is not a whole number{bound}")
        return value

    def number(self, raw: Mapping[str, Any], path: PATH, key: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail((*path, key), f"{value!r} is not a number of at least 0")
        return float(value)

    def duration(self, raw: Mapping[str, Any], path: PATH, key: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        try:
            return parse_duration(value)
        except ValueError as error:
            raise self.fail((*path, key), str(error)) from None
