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


def test_roles_are_made_on_postgresql_and_refused_on_sqlite() -> None:
    # Runs on either database, so a PostgreSQL run skips nothing here.
    if connection.vendor == "postgresql":
        statements = worker_access.db_roles_statements()
        assert any(s.startswith("CREATE POLICY micboard_venue_rows") for s in statements)
        return
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


def test_a_file_without_a_default_user_gets_it_switched_off(tmp_path: Path) -> None:
    aclfile = tmp_path / "users.acl"
    worker_access.redis_acl_write(path=aclfile, line="user worker-a on #a ~a")
    assert aclfile.read_text().splitlines() == ["user default off", "user worker-a on #a ~a"]


def test_the_central_user_and_revoking_a_user(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aclfile = tmp_path / "users.acl"
    monkeypatch.setenv("MICBOARD_REDIS_ACL_PASSWORD", "pw")
    with pytest.raises(CommandError, match="need --aclfile"):
        call_command("micboard_redis_acl", "--central", "--user", "micboard")
    with pytest.raises(CommandError, match="need --user"):
        call_command("micboard_redis_acl", "--central", "--aclfile", str(aclfile))
    call_command("micboard_redis_acl", "--central", "--user", "micboard", "--aclfile", str(aclfile))
    venue = make_venue()
    call_command(
        "micboard_redis_acl", "--venue", venue.slug, "--user", "worker-a",
        "--aclfile", str(aclfile),
    )  # fmt: skip
    central = aclfile.read_text().splitlines()[1]
    assert central.startswith("user micboard on #")
    assert central.endswith(" ~* &* +@all")
    assert "pw" not in central.split()
    with pytest.raises(ValidationError, match="usable Redis user name"):
        worker_access.redis_acl_central_line(user="Micboard", password="pw")
    with pytest.raises(ValidationError, match="needs a password"):
        worker_access.redis_acl_central_line(user="micboard", password="")

    call_command("micboard_redis_acl", "--revoke", "worker-a", "--aclfile", str(aclfile))
    assert "removed from the file" in capsys.readouterr().out
    assert [line.split()[1] for line in aclfile.read_text().splitlines()] == ["default", "micboard"]
    with pytest.raises(CommandError, match="no Redis user 'worker-a'"):
        call_command("micboard_redis_acl", "--revoke", "worker-a", "--aclfile", str(aclfile))


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
