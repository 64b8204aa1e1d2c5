"""CSV import of assignments: a test for every rejection, dry runs, all or nothing, round trip."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from micboard.composition import device_service, photo_limits
from micboard.exceptions import ValidationError
from micboard.models import Assignment, Performer, Receiver, Venue
from micboard.selectors.performers import assignments_csv
from micboard.services.assignment_csv import MAX_ROWS
from micboard.services.assignment_import import ImportReport, assignments_import
from micboard.services.performers import performer_photo_set
from tests.factories import (
    image_bytes,
    make_assignment,
    make_event,
    make_performer,
    make_receiver,
    make_venue,
    snapshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "performer,part,receiver,channel,channel_name,event,photo\n"


@pytest.fixture
def venue() -> Venue:
    venue = make_venue()
    rack = make_receiver(venue, model="ULXD4Q")
    rack.name = "Rack 1"
    rack.save()
    device_service().snapshot_apply(receiver=rack, snapshot=snapshot(4, name="HH0"))
    small = make_receiver(venue, model="ULXD4D")
    small.name = "Rack 2"
    small.save()
    now = timezone.now()
    make_event(venue, "Sunday 9:00", starts_at=now, ends_at=now + timedelta(hours=1))
    return venue


def rack(venue: Venue, name: str = "Rack 1") -> Receiver:
    return Receiver.objects.get(venue=venue, name=name)


def run(
    venue: Venue, body: str, *, dry_run: bool = False, photos: dict[str, bytes] | None = None
) -> ImportReport:
    return assignments_import(
        venue=venue,
        data=(HEADER + body).encode(),
        photos=photos or {},
        dry_run=dry_run,
        limits=photo_limits(),
    )


def reasons(report: ImportReport) -> list[tuple[int, str]]:
    return [(row.line, row.reason) for row in report.rejected]


def rejected_alone(venue: Venue, row: str, **kwargs: object) -> str:
    """The reason the one row ``row`` is rejected, after a good row; nothing is written."""
    report = run(venue, "Ben,Claudius,Rack 1,4,,,\n" + row + "\n", **kwargs)  # type: ignore[arg-type]
    assert not report.applied
    assert not Performer.objects.filter(venue=venue).exists()
    [(line, reason)] = reasons(report)
    assert line == 3
    return reason


# --- the rows that are applied ------------------------------------------------------------


def test_a_clean_file_is_applied_and_lists_its_changes(venue: Venue) -> None:
    report = run(
        venue,
        "Maria Keller,Act 2 lead,Rack 1,1,,,\n"
        "Ben Ode,,,,HH0 2,,\n"
        "Maria Keller,Act 2 lead,Rack 2,2,,Sunday 9:00,\n",
    )
    assert report.applied
    assert report.rows == 3
    assert not report.rejected
    assert [c.text for c in report.changes] == [
        "create performer Maria Keller (Act 2 lead)",
        "assign Maria Keller to Rack 1 ch1 (standing)",
        "create performer Ben Ode",
        "assign Ben Ode to Rack 1 ch2 (standing)",
        "assign Maria Keller to Rack 2 ch2 (event 'Sunday 9:00')",
    ]
    assert [c.line for c in report.changes] == [2, 2, 3, 3, 4]
    rows = Assignment.objects.order_by("receiver__name", "channel_number")
    assert [
        (a.performer.name, a.receiver.name, a.channel_number, a.event and a.event.name)
        for a in rows
    ] == [
        ("Maria Keller", "Rack 1", 1, None),
        ("Ben Ode", "Rack 1", 2, None),
        ("Maria Keller", "Rack 2", 2, "Sunday 9:00"),
    ]


def test_a_dry_run_lists_the_changes_and_writes_nothing(venue: Venue) -> None:
    report = run(venue, "Maria,,Rack 1,1,,,\nBen,,Rack 9,1,,,\n", dry_run=True)
    assert not report.applied
    assert [c.text for c in report.changes] == [
        "create performer Maria",
        "assign Maria to Rack 1 ch1 (standing)",
    ]
    assert reasons(report) == [(3, "no receiver is named 'Rack 9'")]
    assert not Performer.objects.exists()


def test_one_rejected_row_and_nothing_is_imported(venue: Venue) -> None:
    report = run(venue, "Maria,,Rack 1,1,,,\nBen,,Rack 1,9,,,\n")
    assert not report.applied
    assert reasons(report) == [(3, "Rack 1 has channels 1-4, not 9")]
    assert not Performer.objects.exists()
    assert not Assignment.objects.exists()


def test_replacing_and_keeping_are_told_apart(venue: Venue) -> None:
    maria, ben = make_performer(venue, "Maria", part="Lead"), make_performer(venue, "Ben")
    make_assignment(maria, rack(venue), 1)
    make_assignment(ben, rack(venue), 2)
    report = run(venue, "Maria,Lead,Rack 1,1,,,\nMaria,Lead,Rack 1,2,,,\n")
    assert [c.text for c in report.changes] == [
        "assign Maria to Rack 1 ch2 (standing), replacing Ben"
    ]
    assert report.unchanged == 1
    assert set(Assignment.objects.values_list("performer__name", flat=True)) == {"Maria"}


def test_a_part_change_is_listed_and_applied(venue: Venue) -> None:
    make_performer(venue, "Maria", part="Ophelia")
    report = run(venue, "maria,Gertrude,Rack 1,1,,,\n")
    assert report.changes[0].text == "part of Maria: 'Ophelia' -> 'Gertrude'"
    assert Performer.objects.get(venue=venue).part == "Gertrude"


def test_a_photo_sent_with_the_file_is_stored(venue: Venue) -> None:
    report = run(venue, "Maria,,Rack 1,1,,,maria.png\n", photos={"maria.png": image_bytes()})
    assert "photo of Maria from maria.png" in [c.text for c in report.changes]
    maria = Performer.objects.get(venue=venue)
    assert maria.photo_source == "maria.png"
    assert default_storage.exists(maria.photo_tile.name)


def test_the_export_reads_back_unchanged(venue: Venue) -> None:
    maria = make_performer(venue, "=Maria", part="+Lead")
    performer_photo_set(
        performer=maria, data=image_bytes(), filename="m.png", limits=photo_limits()
    )
    event = venue.events.get()
    make_assignment(maria, rack(venue), 1)
    make_assignment(maria, rack(venue, "Rack 2"), 2, event)
    exported = assignments_csv(venue=venue)
    assert exported.splitlines()[1] == "'=Maria,'+Lead,Rack 1,1,,,m.png"
    report = assignments_import(
        venue=venue, data=exported.encode(), photos={}, dry_run=False, limits=photo_limits()
    )
    assert report.applied
    assert report.changes == ()
    assert report.unchanged == 2


def test_blank_rows_and_a_byte_order_mark_are_fine(venue: Venue) -> None:
    data = ("\ufeff" + HEADER + "\n,,,,,,\nMaria,,Rack 1,1,,,\n").encode()
    report = assignments_import(
        venue=venue, data=data, photos={}, dry_run=True, limits=photo_limits()
    )
    assert report.rows == 1
    assert not report.rejected


def test_columns_may_come_in_any_order_and_case(venue: Venue) -> None:
    data = b"Channel_Name,Performer\nHH0 3,Maria\n"
    report = assignments_import(
        venue=venue, data=data, photos={}, dry_run=False, limits=photo_limits()
    )
    assert report.applied
    assert Assignment.objects.get().channel_number == 3


# --- every reason a row is rejected -------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",Lead,Rack 1,1,,,", "performer: required"),
        ("x" * 121 + ",,Rack 1,1,,,", "performer: at most 120 characters"),
        (
            "Ma\x1bria,,Rack 1,1,,,",
            "performer: control or formatting character U+001B is not allowed",
        ),
        ("Maria," + "p" * 121 + ",Rack 1,1,,,", "part: at most 120 characters"),
        (
            "Maria,Le\u200bad,Rack 1,1,,,",
            "part: control or formatting character U+200B is not allowed",
        ),
        ("Maria," + "n" * 1001 + ",Rack 1,1,,,", "part: at most 1000 characters"),
        ("Maria,,,,,,", "no channel: give receiver and channel, or channel_name"),
        ("Maria,,Rack 1,,,,", "receiver and channel go together: one of them is blank"),
        ("Maria,,,2,,,", "receiver and channel go together: one of them is blank"),
        (
            "Maria,,Rack 1,1,HH0 1,,",
            "give the channel either as receiver and channel or as channel_name, not both",
        ),
        ("Maria,,Rack 9,1,,,", "no receiver is named 'Rack 9'"),
        ("Maria,,Rack 1,two,,,", "channel 'two' is not a channel number"),
        ("Maria,,Rack 1,-1,,,", "channel '-1' is not a channel number"),
        ("Maria,,Rack 1,\u0661,,,", "channel '\u0661' is not a channel number"),
        ("Maria,,Rack 1,0,,,", "Rack 1 has channels 1-4, not 0"),
        ("Maria,,Rack 2,3,,,", "Rack 2 has channels 1-2, not 3"),
        (
            "Maria,,,,HH9 9,,",
            "no channel is named 'HH9 9' (a channel's name is known once its receiver has been polled)",  # noqa: E501
        ),
        ("Maria,,Rack 1,1,,Monday,", "no event is named 'Monday'"),
        ("Maria,,Rack 1,1,,,maria.jpg", "photo 'maria.jpg' was not sent with the file"),
        (
            "Maria,,Rack 1,1,,,a\x07.jpg",
            "photo: the file name: control or formatting character U+0007 is not allowed",
        ),
        ("Maria,,Rack 1,1,,,,extra", "more cells than the header has columns"),
        ("Maria,,Rack 1,4,,,", "line 2 already assigns Rack 1 ch4 (standing)"),
        ("Ben,Hamlet,Rack 1,1,,,", "line 2 gives Ben the part 'Claudius', this row 'Hamlet'"),
        ("Ben,Claudius,Rack 1,1,,,ben.png", "line 2 gives Ben the photo '', this row 'ben.png'"),
    ],
)
def test_each_rejection_has_its_reason(venue: Venue, row: str, reason: str) -> None:
    assert rejected_alone(venue, row, photos={"ben.png": image_bytes()}) == reason


def test_a_photo_that_is_not_an_image_is_rejected(venue: Venue) -> None:
    reason = rejected_alone(venue, "Maria,,Rack 1,1,,,maria.jpg", photos={"maria.jpg": b"<html>"})
    assert reason == "photo 'maria.jpg': not a JPEG, PNG or WebP image"


def test_a_channel_name_two_channels_share_is_rejected(venue: Venue) -> None:
    other = make_receiver(venue, model="ULXD4")
    other.name = "Rack 3"
    other.save()
    device_service().snapshot_apply(receiver=other, snapshot=snapshot(1, name="HH0"))
    assert rejected_alone(venue, "Maria,,,,HH0 1,,") == (
        "2 channels are named 'HH0 1': Rack 1 ch1, Rack 3 ch1"
    )


def test_a_receiver_name_two_receivers_share_is_rejected(venue: Venue) -> None:
    twin = make_receiver(venue)
    twin.name = "rack 2"
    twin.save()
    assert rejected_alone(venue, "Maria,,Rack 2,1,,,") == "2 receivers are named 'Rack 2'"


def test_a_photo_already_stored_under_that_name_is_kept(venue: Venue) -> None:
    maria = make_performer(venue, "Maria")
    performer_photo_set(
        performer=maria, data=image_bytes(), filename="m.png", limits=photo_limits()
    )
    report = run(venue, "Maria,,Rack 1,1,,,m.png\n")
    assert report.applied
    assert not report.rejected
    assert [c.text for c in report.changes] == ["assign Maria to Rack 1 ch1 (standing)"]


# --- files that cannot be read at all -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", {"file": "no header row"}),
        (
            b"performer,channel_name\n\xff\xfe,x\n",
            {"file": "byte 23 is not UTF-8; save the CSV as UTF-8"},
        ),
        (
            b"performer,seat\nMaria,1\n",
            {
                "columns": "unknown: seat; known: performer, part, receiver, channel, channel_name, event, photo"  # noqa: E501
            },
        ),
        (b"performer,performer,channel_name\n", {"columns": "performer, performer, channel_name"}),
        (b"part,channel_name\nLead,HH0 1\n", {"columns": "performer is required"}),
        (
            b"performer,receiver\nMaria,Rack 1\n",
            {"columns": "give receiver and channel, or channel_name"},
        ),
        (
            b'performer,channel_name\n"Maria,HH0 1\n',
            {"file": "from line 2: unexpected end of data"},
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(
    venue: Venue, data: bytes, problem: dict[str, str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        assignments_import(venue=venue, data=data, photos={}, dry_run=True, limits=photo_limits())
    assert caught.value.details == problem


def test_too_many_rows_are_refused(venue: Venue) -> None:
    data = ("performer,channel_name\n" + "Maria,HH0 1\n" * (MAX_ROWS + 1)).encode()
    with pytest.raises(ValidationError) as caught:
        assignments_import(venue=venue, data=data, photos={}, dry_run=True, limits=photo_limits())
    assert caught.value.details == {"file": f"at most {MAX_ROWS} rows"}


def test_a_file_too_large_is_refused() -> None:
    venue = make_venue()
    with pytest.raises(ValidationError) as caught:
        assignments_import(
            venue=venue,
            data=b"x" * (2 * 1024 * 1024 + 1),
            photos={},
            dry_run=True,
            limits=photo_limits(),
        )
    assert caught.value.details == {"file": f"at most {2 * 1024 * 1024} bytes"}
