"""Cut a release: the next CalVer version in ``micboard/__init__.py`` and a CHANGELOG section.

    python -m micboard.devtools.bump [--date YYYY-MM-DD] [--root DIR] [--dry-run]
    python -m micboard.devtools.bump --notes VERSION     # print that version's CHANGELOG section

Versions are ``YY.MM.DD`` (UTC date of the release), with ``.N`` appended for the second,
third... release of one day: ``26.11.26``, ``26.11.26.1``, ``26.11.26.2``. A version "exists"
when ``__version__`` holds it or ``CHANGELOG.md`` has a section for it.

The ``## [Unreleased]`` items move into a new ``## [VERSION] - YYYY-MM-DD`` section below an
emptied ``## [Unreleased]``; ``### Added``, ``### Changed`` and ``### Fixed`` are always there
(``- None.`` when empty), other headings follow when they have items. Standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

VERSION_RE = re.compile(r"^(?P<yy>\d{2})\.(?P<mm>\d{2})\.(?P<dd>\d{2})(?:\.(?P<n>[1-9]\d*))?$")
VERSION_LINE_RE = re.compile(r'^__version__ = "(?P<version>[^"]*)"$', re.MULTILINE)
SECTION_RE = re.compile(r"^## \[(?P<name>[^\]]+)\]", re.MULTILINE)
STUB_HEADINGS = ("Added", "Changed", "Fixed")
UNRELEASED = "Unreleased"
EMPTY_ITEM = "- None."


@dataclass(frozen=True, order=True, slots=True)
class CalVer:
    """A parsed ``YY.MM.DD[.N]`` version; ``n`` is 0 for the day's first release."""

    day: date
    n: int = 0

    @classmethod
    def parse(cls, text: str) -> CalVer:
        match = VERSION_RE.match(text)
        if match is None:
            raise ValueError(f"not a YY.MM.DD[.N] version: {text!r}")
        try:
            day = date(2000 + int(match["yy"]), int(match["mm"]), int(match["dd"]))
        except ValueError as error:
            raise ValueError(f"not a calendar date: {text!r} ({error})") from None
        return cls(day, int(match["n"] or 0))

    def __str__(self) -> str:
        base = self.day.strftime("%y.%m.%d")
        return f"{base}.{self.n}" if self.n else base


def next_version(*, today: date, existing: Iterable[str]) -> str:
    """Today's version, or today's with the next ``.N`` when today already has releases.

    Raises ``ValueError`` when an existing version is later than ``today`` (a wrong clock or
    ``--date``): versions must keep increasing.
    """
    versions = [CalVer.parse(text) for text in existing]
    later = [v for v in versions if v.day > today]
    if later:
        raise ValueError(f"version {max(later)} is later than {today.isoformat()}")
    same_day = [v.n for v in versions if v.day == today]
    return str(CalVer(today, max(same_day) + 1 if same_day else 0))


def read_version(init_text: str) -> str:
    match = VERSION_LINE_RE.search(init_text)
    if match is None:
        raise ValueError('no line `__version__ = "..."` found')
    return match["version"]


def write_version(init_text: str, version: str) -> str:
    CalVer.parse(version)
    if VERSION_LINE_RE.search(init_text) is None:
        raise ValueError('no line `__version__ = "..."` found')
    return VERSION_LINE_RE.sub(f'__version__ = "{version}"', init_text, count=1)


def changelog_versions(changelog: str) -> list[str]:
    """Every released version with a section in the changelog (``Unreleased`` excluded)."""
    return [m["name"] for m in SECTION_RE.finditer(changelog) if m["name"] != UNRELEASED]


def _sections(changelog: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first ``## [`` heading, then (name, whole section text) pairs."""
    matches = list(SECTION_RE.finditer(changelog))
    if not matches:
        return changelog, []
    preamble = changelog[: matches[0].start()]
    sections = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following is not None else len(changelog)
        sections.append((match["name"], changelog[match.start() : end]))
    return preamble, sections


def _split_headings(body: str) -> tuple[list[str], dict[str, list[str]]]:
    """Lines before the first ``###`` heading, and each heading's non-blank-trimmed lines."""
    intro: list[str] = []
    groups: dict[str, list[str]] = {}
    current: list[str] = intro
    for line in body.splitlines():
        if line.startswith("### "):
            current = groups.setdefault(line[4:].strip(), [])
        else:
            current.append(line)
    return _trim(intro), {name: _trim(lines) for name, lines in groups.items()}


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def release_section(*, version: str, day: date, unreleased_body: str) -> str:
    """The new release's section, holding what ``## [Unreleased]`` held."""
    intro, groups = _split_headings(unreleased_body)
    parts = [f"## [{version}] - {day.isoformat()}", ""]
    if intro:
        parts += [*intro, ""]
    names = list(STUB_HEADINGS) + [n for n in groups if n not in STUB_HEADINGS and groups[n]]
    for name in names:
        parts += [f"### {name}", "", *(groups.get(name) or [EMPTY_ITEM]), ""]
    return "\n".join(parts)


def add_release(changelog: str, *, version: str, day: date) -> str:
    """Move the ``Unreleased`` items into a new section for ``version``, newest first."""
    CalVer.parse(version)
    if version in changelog_versions(changelog):
        raise ValueError(f"CHANGELOG.md already has a section for {version}")
    preamble, sections = _sections(changelog)
    unreleased_body = ""
    rest = sections
    if sections and sections[0][0] == UNRELEASED:
        heading_end = sections[0][1].find("\n")
        unreleased_body = sections[0][1][heading_end + 1 :] if heading_end >= 0 else ""
        rest = sections[1:]
    new = release_section(version=version, day=day, unreleased_body=unreleased_body)
    head = preamble.rstrip("\n") + "\n\n" if preamble.strip() else ""
    tail = "".join(text for _, text in rest)
    return f"{head}## [{UNRELEASED}]\n\n{new}" + ("\n" + tail if tail else "")


def section_text(changelog: str, version: str) -> str:
    """The body of ``version``'s section (without its heading), for release notes."""
    for name, text in _sections(changelog)[1]:
        if name == version:
            return "\n".join(_trim(text.splitlines()[1:])) + "\n"
    raise ValueError(f"CHANGELOG.md has no section for {version}")


@dataclass(frozen=True, slots=True)
class Release:
    previous: str
    version: str
    day: date


def bump(root: Path, *, day: date, dry_run: bool = False) -> Release:
    """Rewrite ``micboard/__init__.py`` and ``CHANGELOG.md`` under ``root`` for the next release."""
    init_path = root / "micboard" / "__init__.py"
    changelog_path = root / "CHANGELOG.md"
    init_text = init_path.read_text(encoding="utf-8")
    changelog = changelog_path.read_text(encoding="utf-8")
    previous = read_version(init_text)
    version = next_version(today=day, existing=[previous, *changelog_versions(changelog)])
    new_init = write_version(init_text, version)
    new_changelog = add_release(changelog, version=version, day=day)
    if not dry_run:
        changelog_path.write_text(new_changelog, encoding="utf-8")
        init_path.write_text(new_init, encoding="utf-8")
    return Release(previous, version, day)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m micboard.devtools.bump",
        description="Set the next CalVer version and open its CHANGELOG section.",
    )
    parser.add_argument(
        "--date", type=date.fromisoformat, help="release date, YYYY-MM-DD (default: today, UTC)"
    )
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="project directory (default: current)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the version, write nothing")
    parser.add_argument(
        "--notes", metavar="VERSION", help="print VERSION's CHANGELOG section and exit"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root: Path = args.root
    try:
        if args.notes:
            changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
            sys.stdout.write(section_text(changelog, args.notes))
            return 0
        day: date = args.date or datetime.now(UTC).date()
        release = bump(root, day=day, dry_run=args.dry_run)
    except (OSError, ValueError) as error:
        print(f"bump: {error}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{release.previous} -> {release.version} (dry run: nothing written)")
        return 0
    print(f"{release.previous} -> {release.version}")
    print(
        f"Next: edit the [{release.version}] section of CHANGELOG.md, commit, then tag "
        f"v{release.version} (see docs/release.md)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
