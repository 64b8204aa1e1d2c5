"""`manage.py micboard_assignments`: export, dry run, import with a photo folder, refusals."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from micboard.management.commands.micboard_assignments import FolderPhotos
from micboard.models import Assignment, Performer, Venue
from tests.factories import image_bytes, make_assignment, make_performer, make_receiver, make_venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue() -> Venue:
    venue = make_venue()
    receiver = make_receiver(venue, model="ULXD4D")
    receiver.name = "Rack 1"
    receiver.save()
    return venue


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("micboard_assignments", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_prints_the_changes_and_imports_nothing(venue: Venue, tmp_path: Path) -> None:
    path = tmp_path / "cast.csv"
    path.write_text("performer,receiver,channel\nMaria,Rack 1,1\n")
    out, _ = run("import", str(path), "--venue", venue.slug, "--dry-run")
    assert out.splitlines() == [
        "line 2: create performer Maria",
        "line 2: assign Maria to Rack 1 ch1 (standing)",
        "would import 1 row(s): 2 change(s), 0 unchanged, 0 rejected",
    ]
    assert not Performer.objects.exists()


def test_an_import_takes_its_photos_from_a_folder(venue: Venue, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "maria.jpg").write_bytes(image_bytes("JPEG"))
    path = tmp_path / "cast.csv"
    path.write_text("performer,receiver,channel,photo\nMaria,Rack 1,1,maria.jpg\n")
    out, _ = run("import", str(path), "--venue", venue.slug, "--photos", str(photos))
    assert out.splitlines()[-1] == "imported 1 row(s): 3 change(s), 0 unchanged, 0 rejected"
    assert Performer.objects.get().photo_source == "maria.jpg"


def test_rejected_rows_are_printed_and_the_command_fails(venue: Venue, tmp_path: Path) -> None:
    path = tmp_path / "cast.csv"
    path.write_text(
        "performer,receiver,channel,photo\nMaria,Rack 1,1,\nBen,Rack 1,7,\nEve,Rack 1,2,../x.jpg\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"^2 row\(s\) rejected; nothing was imported$"):
        call_command("micboard_assignments", "import", str(path), "--venue", venue.slug,
                     "--photos", str(tmp_path), stdout=StringIO(), stderr=err)  # fmt: skip
    assert err.getvalue().splitlines() == [
        "line 3: rejected: Rack 1 has channels 1-2, not 7",
        "line 4: rejected: photo 'x.jpg' was not sent with the file",
    ]
    assert not Assignment.objects.exists()


def test_an_export_writes_the_csv(venue: Venue, tmp_path: Path) -> None:
    make_assignment(make_performer(venue, "Maria", part="Lead"), venue.receivers.get(), 2)
    out, _ = run("export", "-", "--venue", venue.slug)
    assert out == (
        "performer,part,receiver,channel,channel_name,event,photo\r\nMaria,Lead,Rack 1,2,,,\r\n"
    )
    path = tmp_path / "out.csv"
    run("export", str(path), "--venue", venue.slug)
    assert path.read_bytes().decode() == out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "missing.csv", "--venue", "nowhere"], "no venue has the slug 'nowhere'"),
        (["import", "/nonexistent/cast.csv", "--venue", "{slug}"],
         "cannot read /nonexistent/cast.csv: No such file or directory"),
    ],
)  # fmt: skip
def test_bad_arguments_are_one_line(venue: Venue, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        run(*[a.format(slug=venue.slug) for a in args])
    assert str(caught.value) == message


def test_an_unreadable_file_says_why(venue: Venue, tmp_path: Path) -> None:
    path = tmp_path / "cast.csv"
    path.write_text("name,seat\n")
    with pytest.raises(CommandError) as caught:
        run("import", str(path), "--venue", venue.slug)
    assert str(caught.value) == (
        "unknown columns (columns: unknown: name, seat; known: performer, part, receiver, "
        "channel, channel_name, event, photo)"
    )


def test_a_photo_folder_offers_only_its_photo_files(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"12345")
    (tmp_path / "notes.txt").write_bytes(b"x")
    (tmp_path / "sub.jpg").mkdir()
    photos = FolderPhotos(tmp_path, limit=3)
    assert (list(photos), len(photos)) == (["a.png"], 1)
    assert photos["a.png"] == b"1234"  # one byte past the limit: enough to refuse it
    assert "notes.txt" not in photos
    assert "../a.png" not in photos
    assert 5 not in photos
    with pytest.raises(KeyError):
        photos["sub.jpg"]
