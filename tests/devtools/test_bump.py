"""The release bump: next CalVer version, __version__ and CHANGELOG rewrites (tmp files only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from micboard.devtools.bump import (
    CalVer,
    add_release,
    bump,
    changelog_versions,
    main,
    next_version,
    read_version,
    section_text,
    write_version,
)

DAY = date(2026, 11, 26)
NEXT_DAY = date(2026, 11, 27)

CHANGELOG = """\
# Changelog

All notable changes. Versions are CalVer.

## [Unreleased]

### Added

- Display wall.
- REST API.

### Security

- Flower behind basic auth.

## [26.11.26] - 2026-11-26

### Added

- First release.
"""

INIT = '"""micboard."""\n\n__version__ = "26.11.26"\n'


def test_a_new_day_starts_without_a_suffix() -> None:
    assert next_version(today=NEXT_DAY, existing=["26.11.26", "26.11.26.1"]) == "26.11.27"


def test_the_same_day_counts_up() -> None:
    assert next_version(today=DAY, existing=["26.11.26"]) == "26.11.26.1"
    assert next_version(today=DAY, existing=["26.11.26", "26.11.26.1"]) == "26.11.26.2"
    assert next_version(today=DAY, existing=["26.11.26.9", "26.11.26"]) == "26.11.26.10"


def test_the_first_release_ever() -> None:
    assert next_version(today=date(2027, 1, 5), existing=[]) == "27.01.05"


def test_a_version_from_the_future_is_refused() -> None:
    with pytest.raises(ValueError, match="later than 2026-11-26"):
        next_version(today=DAY, existing=["26.11.27"])


@pytest.mark.parametrize("text", ["26.11", "26.13.01", "26.02.30", "v26.11.26", "26.11.26.0"])
def test_malformed_versions_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="26"):
        CalVer.parse(text)


def test_versions_order_by_day_then_suffix() -> None:
    ordered = ["26.11.26", "26.11.26.1", "26.11.26.2", "26.12.01"]
    assert sorted(ordered[::-1], key=CalVer.parse) == ordered


def test_version_line_is_read_and_rewritten() -> None:
    assert read_version(INIT) == "26.11.26"
    assert write_version(INIT, "26.11.26.1") == INIT.replace("26.11.26", "26.11.26.1")
    with pytest.raises(ValueError, match="__version__"):
        read_version("VERSION = '1'\n")


def test_unreleased_items_move_under_the_new_version() -> None:
    result = add_release(CHANGELOG, version="26.11.26.1", day=DAY)
    assert changelog_versions(result) == ["26.11.26.1", "26.11.26"]
    assert result.startswith("# Changelog\n\nAll notable changes. Versions are CalVer.\n\n")
    assert "## [Unreleased]\n\n## [26.11.26.1] - 2026-11-26\n\n### Added\n\n- Display wall.\n" in (
        result
    )
    section = section_text(result, "26.11.26.1")
    assert section == (
        "### Added\n\n- Display wall.\n- REST API.\n\n"
        "### Changed\n\n- None.\n\n"
        "### Fixed\n\n- None.\n\n"
        "### Security\n\n- Flower behind basic auth.\n"
    )
    assert section_text(result, "26.11.26") == "### Added\n\n- First release.\n"
    assert section_text(result, "Unreleased") == "\n"


def test_an_empty_unreleased_section_gives_a_stub() -> None:
    once = add_release(CHANGELOG, version="26.11.26.1", day=DAY)
    twice = add_release(once, version="26.11.27", day=NEXT_DAY)
    assert section_text(twice, "26.11.27") == (
        "### Added\n\n- None.\n\n### Changed\n\n- None.\n\n### Fixed\n\n- None.\n"
    )
    assert changelog_versions(twice) == ["26.11.27", "26.11.26.1", "26.11.26"]


def test_a_changelog_without_unreleased_gets_one() -> None:
    result = add_release("# Changelog\n", version="26.11.26", day=DAY)
    assert result.startswith("# Changelog\n\n## [Unreleased]\n\n## [26.11.26] - 2026-11-26\n")


def test_a_version_is_never_added_twice() -> None:
    with pytest.raises(ValueError, match="already has a section"):
        add_release(CHANGELOG, version="26.11.26", day=DAY)


def test_missing_section_is_reported() -> None:
    with pytest.raises(ValueError, match=r"no section for 1\.2\.3"):
        section_text(CHANGELOG, "1.2.3")


def project(tmp_path: Path) -> Path:
    (tmp_path / "micboard").mkdir()
    (tmp_path / "micboard" / "__init__.py").write_text(INIT)
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG)
    return tmp_path


def test_bump_rewrites_both_files(tmp_path: Path) -> None:
    root = project(tmp_path)
    release = bump(root, day=DAY)
    assert (release.previous, release.version) == ("26.11.26", "26.11.26.1")
    assert read_version((root / "micboard" / "__init__.py").read_text()) == "26.11.26.1"
    assert changelog_versions((root / "CHANGELOG.md").read_text())[0] == "26.11.26.1"
    assert bump(root, day=DAY).version == "26.11.26.2"
    assert bump(root, day=NEXT_DAY).version == "26.11.27"


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    assert main(["--root", str(root), "--date", "2026-11-27", "--dry-run"]) == 0
    assert capsys.readouterr().out == "26.11.26 -> 26.11.27 (dry run: nothing written)\n"
    assert (root / "CHANGELOG.md").read_text() == CHANGELOG


def test_main_bumps_and_prints_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    assert main(["--root", str(root), "--date", "2026-11-26"]) == 0
    assert capsys.readouterr().out.startswith("26.11.26 -> 26.11.26.1\n")
    assert main(["--root", str(root), "--notes", "26.11.26"]) == 0
    assert capsys.readouterr().out == "### Added\n\n- First release.\n"


def test_main_reports_errors_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    assert main(["--root", str(root), "--date", "2026-11-25"]) == 1
    assert capsys.readouterr().err == "bump: version 26.11.26 is later than 2026-11-25\n"
    assert main(["--root", str(tmp_path / "nowhere")]) == 1
    assert "No such file" in capsys.readouterr().err


def test_the_repository_changelog_has_the_current_version() -> None:
    """Read only: the version in micboard/__init__.py has its CHANGELOG section."""
    root = Path(__file__).resolve().parents[2]
    version = read_version((root / "micboard" / "__init__.py").read_text())
    changelog = (root / "CHANGELOG.md").read_text()
    assert changelog_versions(changelog)[0] == version
    assert "## [Unreleased]" in changelog
