"""``manage.py micboard_assignments``: import a venue's assignments from CSV, or export them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from micboard.composition import photo_limits
from micboard.exceptions import MicboardError
from micboard.selectors import listings
from micboard.selectors.performers import assignments_csv
from micboard.services.assignment_import import ImportReport, assignments_import

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


class Command(BaseCommand):
    help = (
        "Import assignments from CSV (--dry-run lists what would change and every rejected "
        "row) or export them: import|export --venue SLUG FILE ('-' for standard output)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("direction", choices=("import", "export"))
        parser.add_argument("file", type=Path, help="the CSV file; '-' exports to stdout")
        parser.add_argument("--venue", required=True, help="venue slug")
        parser.add_argument(
            "--photos", type=Path, help="folder of the photo files the photo column names"
        )
        parser.add_argument("--dry-run", action="store_true", help="change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        venue = listings.venue_by_slug(slug=options["venue"])
        if venue is None:
            raise CommandError(f"no venue has the slug {options['venue']!r}")
        path: Path = options["file"]
        if options["direction"] == "export":
            text = assignments_csv(venue=venue)
            if str(path) == "-":
                self.stdout.write(text, ending="")
            else:
                path.write_text(text, encoding="utf-8", newline="")
                self.stdout.write(f"exported the assignments of {venue.slug} to {path}")
            return
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        limits = photo_limits()
        try:
            report = assignments_import(
                venue=venue,
                data=data,
                photos=_photos(options["photos"], limit=limits.max_bytes),
                dry_run=options["dry_run"],
                limits=limits,
            )
        except MicboardError as error:
            details = "; ".join(f"{key}: {value}" for key, value in error.details.items())
            raise CommandError(f"{error.message}" + (f" ({details})" if details else "")) from None
        self._print(report)
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} row(s) rejected; nothing was imported")

    def _print(self, report: ImportReport) -> None:
        for change in report.changes:
            self.stdout.write(f"line {change.line}: {change.text}")
        for row in report.rejected:
            self.stderr.write(f"line {row.line}: rejected: {row.reason}")
        verb = "imported" if report.applied else "would import" if not report.rejected else "read"
        self.stdout.write(
            f"{verb} {report.rows} row(s): {len(report.changes)} change(s), "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
        )


class FolderPhotos(Mapping[str, bytes]):
    """The photo files of a folder by name, each read only when the CSV names it."""

    def __init__(self, folder: Path, *, limit: int) -> None:
        self._folder = folder
        self._limit = limit

    def _path(self, name: object) -> Path | None:
        if not isinstance(name, str) or "/" in name or name in ("", ".", ".."):
            return None
        path = self._folder / name
        return path if path.suffix.lower() in PHOTO_SUFFIXES and path.is_file() else None

    def __contains__(self, name: object) -> bool:
        return self._path(name) is not None

    def __getitem__(self, name: str) -> bytes:
        path = self._path(name)
        if path is None:
            raise KeyError(name)
        with path.open("rb") as photo:
            return photo.read(self._limit + 1)

    def __iter__(self) -> Iterator[str]:
        return (entry.name for entry in sorted(self._folder.iterdir()) if entry.name in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _photos(folder: Path | None, *, limit: int) -> Mapping[str, bytes]:
    if folder is None:
        return {}
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder")
    return FolderPhotos(folder, limit=limit)
