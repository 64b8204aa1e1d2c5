"""Venues and receivers for the secure-links tests, made in a child process.

``python -m tests.system.secure_seed north=ULXD4Q:PORT,QLXD4:PORT south=ULXD4D:PORT``
creates each venue with a receiver per simulated model and port (``MODEL:PORT:PROTOCOL:
PASSWORD`` for one with its protocol and device password), through the services, in
the database ``DATABASE_URL`` names;
it prints ``{slug: {"id", "queue", "receivers"}}`` as JSON.
"""

from __future__ import annotations

import json
import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from micboard.composition import device_service, location_service  # noqa: PLC0415
    from micboard.services.dto import ReceiverInput  # noqa: PLC0415

    made = {}
    for spec in argv:
        slug, receivers_spec = spec.split("=", 1)
        venue = location_service().venue_create(name=slug.title(), slug=slug)
        receivers = [
            device_service()
            .receiver_register(
                venue=venue,
                data=ReceiverInput(
                    name=f"{slug} {model} {port}",
                    model=model,
                    host="127.0.0.1",
                    port=int(port),
                    poll_interval=60,
                    protocol=protocol[0] if protocol else "",
                    device_password=protocol[1] if len(protocol) > 1 else None,
                ),
            )
            .pk
            for model, port, *protocol in (item.split(":") for item in receivers_spec.split(","))
        ]
        made[slug] = {"id": venue.pk, "queue": venue.queue_name, "receivers": receivers}
    sys.stdout.write(json.dumps(made) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
