"""Venue workers' credentials: what the service refuses, and the ACL file it keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from micboard.exceptions import ConfigurationError, NotFoundError, ValidationError
from micboard.services import worker_access
from tests.factories import make_venue

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no roles")
def test_sqlite_has_no_roles_to_make() -> None:
    with pytest.raises(ConfigurationError, match="need PostgreSQL"):
        worker_access.db_roles_statements()
    with pytest.raises(CommandError, match="need PostgreSQL"):
        call_command("micboard_db_roles", "--print")


def test_the_acl_line_names_the_venue_and_refuses_bad_input() -> None:
    venue = make_venue()
    line = worker_access.redis_acl_line(user="worker-a", venue_slug=venue.slug, password="pw")
    assert f"~{venue.queue_name}" in line.split()
    with pytest.raises(NotFoundError):
        worker_access.redis_acl_line(user="worker-a", venue_slug="nowhere", password="pw")
    with pytest.raises(ValidationError, match="usable Redis user name"):
        worker_access.redis_acl_line(user="Worker A", venue_slug=venue.slug, password="pw")
    with pytest.raises(ValidationError, match="needs a password"):
        worker_access.redis_acl_line(user="worker-a", venue_slug=venue.slug, password="")


def test_writing_a_user_replaces_only_its_own_line(tmp_path: Path) -> None:
    aclfile = tmp_path / "users.acl"
    aclfile.write_text("user default off\nuser worker-a on #old ~a\nuser worker-b on #b ~b\n")
    worker_access.redis_acl_write(path=aclfile, line="user worker-a on #new ~a")
    assert aclfile.read_text().splitlines() == [
        "user default off",
        "user worker-b on #b ~b",
        "user worker-a on #new ~a",
    ]
    assert aclfile.stat().st_mode & 0o777 == 0o600


def test_the_acl_command_takes_its_password_from_the_environment_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    venue = make_venue()
    monkeypatch.delenv("MICBOARD_REDIS_ACL_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="set MICBOARD_REDIS_ACL_PASSWORD"):
        call_command("micboard_redis_acl", "--venue", venue.slug, "--user", "worker-a")
    monkeypatch.setenv("MICBOARD_REDIS_ACL_PASSWORD", "pw")
    call_command("micboard_redis_acl", "--venue", venue.slug, "--user", "worker-a")
    assert capsys.readouterr().out.startswith("user worker-a on #")
    with pytest.raises(CommandError, match="no venue has the slug"):
        call_command("micboard_redis_acl", "--venue", "nowhere", "--user", "worker-a")
    call_command(
        "micboard_redis_acl", "--venue", venue.slug, "--user", "worker-a",
        "--aclfile", str(tmp_path / "users.acl"),
    )  # fmt: skip
    assert "user worker-a on #" in (tmp_path / "users.acl").read_text()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's SQL")
def test_the_printed_sql_grants_the_allow_list_only(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("micboard_db_roles", "--print")
    out = capsys.readouterr().out
    assert "CREATE POLICY micboard_venue_rows" in out
    assert "auth_user" not in out
    call_command("micboard_db_roles", "--print", "--no-row-security")
    assert "CREATE POLICY" not in capsys.readouterr().out
    with pytest.raises(CommandError, match="--login and --venue go together"):
        call_command("micboard_db_roles", "--apply", "--login", "venue_x")
