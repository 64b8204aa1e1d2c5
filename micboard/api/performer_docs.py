"""The OpenAPI description of the performer, event and assignment views, with examples."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema

from micboard.api.performer_serializers import (
    AssignmentFilterSerializer,
    AssignmentSerializer,
    AssignmentUpdateSerializer,
    EventCreateSerializer,
    EventFilterSerializer,
    EventSerializer,
    EventUpdateSerializer,
    ExportFilterSerializer,
    ImportReportSerializer,
    ImportUploadSerializer,
    PerformerCreateSerializer,
    PerformerFilterSerializer,
    PerformerSerializer,
    PerformerUpdateSerializer,
    PhotoUploadSerializer,
    SwapResultSerializer,
    SwapSerializer,
)
from micboard.api.resource_docs import resource_schema

_PERFORMER = {
    "id": 4,
    "venue": "demo",
    "name": "Maria Keller",
    "part": "Act 2 lead",
    "notes": "Bodypack on the left hip",
    "photo_url": "/performers/4/photo.jpg?sig=Jq2…",
    "tile_url": "/performers/4/tile.jpg?sig=bX9…",
    "photo_source": "maria.jpg",
    "created_at": "2026-12-01T18:00:00Z",
}
_EVENT = {
    "id": 2,
    "venue": "demo",
    "name": "Hamlet, Act 1",
    "starts_at": "2026-12-06T19:30:00+01:00",
    "ends_at": "2026-12-06T20:45:00+01:00",
    "time_zone": "Europe/Berlin",
}
_ASSIGNMENT = {
    "id": 9,
    "venue": "demo",
    "performer": 4,
    "performer_name": "Maria Keller",
    "receiver": 7,
    "receiver_name": "Rack 1 ULXD4Q",
    "channel_number": 2,
    "event": None,
    "event_name": "",
    "updated_at": "2026-12-01T18:05:00Z",
}
_REPORT = {
    "applied": False,
    "rows": 3,
    "changes": [
        {"line": 2, "text": "create performer Maria Keller (Act 2 lead)"},
        {"line": 2, "text": "assign Maria Keller to Rack 1 ULXD4Q ch2 (standing)"},
    ],
    "unchanged": 1,
    "rejected": [{"line": 4, "reason": "no receiver is named 'Rack 9'"}],
}

PERFORMER = OpenApiExample("A performer", value=_PERFORMER, response_only=True)
EVENT = OpenApiExample("An event", value=_EVENT, response_only=True)
ASSIGNMENT = OpenApiExample("An assignment", value=_ASSIGNMENT, response_only=True)
REPORT = OpenApiExample("A dry run's report", value=_REPORT, response_only=True)

_CHANGED = "Like a replacement, with the fields left out kept as they are."

PERFORMERS = resource_schema(
    shown=PERFORMER,
    filters=PerformerFilterSerializer,
    serializer=PerformerSerializer,
    create_request=PerformerCreateSerializer,
    update_request=PerformerUpdateSerializer,
    create_example=OpenApiExample(
        "Add",
        value={"venue": "demo", "name": "Maria Keller", "part": "Act 2 lead"},
        request_only=True,
    ),
    list=(
        "List performers",
        "Performers by venue and name, with signed addresses of their photos.",
    ),
    retrieve=("Get a performer", "One performer."),
    create=(
        "Add a performer",
        "A name unique within the venue, a part and notes; the photo apart.",
    ),
    update=("Replace a performer", "New name, part and notes."),
    partial_update=("Change part of a performer", _CHANGED),
    destroy=(
        "Delete a performer",
        "Deletes the performer, their assignments and their photo files.",
    ),
)

PERFORMER_PHOTO_SET = extend_schema(
    methods=["POST"],
    summary="Set a performer's photo",
    description=(
        "A JPEG, PNG or WebP image as multipart field `photo`, at most "
        "`MICBOARD_PHOTO_MAX_BYTES` and `MICBOARD_PHOTO_MAX_PIXELS`. It is decoded, "
        "turned upright, and stored anew as a photo of at most 512 px and a 160 px tile, "
        "without its metadata. Needs the permission to change performers."
    ),
    request={"multipart/form-data": PhotoUploadSerializer},
    responses={200: PerformerSerializer},
    examples=[PERFORMER],
)
PERFORMER_PHOTO_CLEAR = extend_schema(
    methods=["DELETE"],
    summary="Remove a performer's photo",
    description="Deletes the photo files. Needs the permission to change performers.",
    request=None,
    responses={204: None},
)

EVENTS = resource_schema(
    shown=EVENT,
    filters=EventFilterSerializer,
    serializer=EventSerializer,
    create_request=EventCreateSerializer,
    update_request=EventUpdateSerializer,
    create_example=OpenApiExample(
        "Add",
        value={
            "venue": "demo",
            "name": "Hamlet, Act 1",
            "starts_at": "2026-12-06T19:30",
            "ends_at": "2026-12-06T20:45",
        },
        request_only=True,
    ),
    list=("List events", "Events by venue and start, with times in the venue's time zone."),
    retrieve=("Get an event", "One event."),
    create=(
        "Add an event",
        "A named, timed session. Times without a UTC offset are read in the venue's time "
        "zone. While it runs, its assignments win over the standing ones.",
    ),
    update=("Replace an event", "New name and times."),
    partial_update=("Change part of an event", _CHANGED),
    destroy=("Delete an event", "Deletes it with its assignments."),
)

ASSIGNMENTS = resource_schema(
    shown=ASSIGNMENT,
    filters=AssignmentFilterSerializer,
    serializer=AssignmentSerializer,
    create_request=AssignmentUpdateSerializer,
    update_request=AssignmentUpdateSerializer,
    create_example=OpenApiExample(
        "Assign",
        value={"performer": 4, "receiver": 7, "channel_number": 2, "event": None},
        request_only=True,
    ),
    list=("List assignments", "Who is on which channel, standing or for an event."),
    retrieve=("Get an assignment", "One assignment."),
    create=(
        "Assign a performer to a channel",
        "The receiver's channel, standing (no event) or for one event; performer, "
        "receiver and event of one venue. A channel has one performer per event.",
    ),
    update=("Replace an assignment", "Another performer, channel or event."),
    partial_update=("Change part of an assignment", _CHANGED),
    destroy=("Remove an assignment", "The channel is free."),
)

ASSIGNMENT_SWAP = extend_schema(
    summary="Swap a performer to another channel",
    description=(
        "Moves the assignment's performer to the receiver's channel (for the same event, or "
        "standing); whoever is assigned there takes the channel left. One transaction; the "
        "wall shows it at its next refresh. Needs the permission to change assignments."
    ),
    request=SwapSerializer,
    responses={200: SwapResultSerializer},
    examples=[
        OpenApiExample("Swap", value={"receiver": 7, "channel_number": 3}, request_only=True),
        OpenApiExample(
            "Swapped",
            value={
                "moved": {**_ASSIGNMENT, "id": 10, "channel_number": 3},
                "displaced": {**_ASSIGNMENT, "performer": 5, "performer_name": "Ben Ode"},
            },
            response_only=True,
        ),
    ],
)

_IMPORT = (
    "A CSV file (multipart field `file`, UTF-8) with a header row: `performer`, `part`, the "
    "channel as `receiver` and `channel` or as `channel_name`, `event` (blank: standing) and "
    "`photo` (the name of a file sent as a `photos` field). Each row puts the performer on "
    "that channel, creating the performer when the venue has none of that name."
)

ASSIGNMENT_IMPORT = extend_schema(
    summary="Import assignments from CSV",
    description=(
        _IMPORT + " All or nothing: one rejected row and nothing is imported (a 400 whose "
        "details are the report). Needs the permissions to add and change performers and "
        "assignments."
    ),
    request={"multipart/form-data": ImportUploadSerializer},
    responses={200: ImportReportSerializer},
    examples=[OpenApiExample("Applied", value={**_REPORT, "applied": True, "rejected": []})],
)

ASSIGNMENT_IMPORT_CHECK = extend_schema(
    summary="Check a CSV import (dry run)",
    description=_IMPORT + " Changes nothing: lists what the import would change and every "
    "row it rejects, with the reason.",
    request={"multipart/form-data": ImportUploadSerializer},
    responses={200: ImportReportSerializer},
    examples=[REPORT],
)

ASSIGNMENT_EXPORT = extend_schema(
    summary="Export assignments as CSV",
    description="The venue's assignments in the import's columns; importing it changes nothing.",
    parameters=[ExportFilterSerializer],
    responses={
        (200, "text/csv"): OpenApiResponse(
            response=OpenApiTypes.STR,
            description="CSV, UTF-8",
            examples=[
                OpenApiExample(
                    "CSV",
                    value="performer,part,receiver,channel,channel_name,event,photo\r\n"
                    "Maria Keller,Act 2 lead,Rack 1 ULXD4Q,2,,,maria.jpg\r\n",
                )
            ],
        )
    },
)
