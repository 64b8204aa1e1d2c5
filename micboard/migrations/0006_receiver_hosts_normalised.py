"""Existing receivers' hosts in their normalised spelling (``RX.EXAMPLE.`` -> ``rx.example``).

A host that does not parse, or whose normalised spelling another receiver of the venue
already has on the same port, is left as it is: nothing is merged or lost.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from micboard.services.validation import normalize_host


def normalise_hosts(apps: Any, schema_editor: Any) -> None:
    receiver_model = apps.get_model("micboard", "Receiver")
    rows = list(receiver_model.objects.order_by("pk").only("pk", "venue_id", "host", "port"))
    taken = {(row.venue_id, row.host, row.port) for row in rows}
    for row in rows:
        try:
            host = normalize_host(row.host)
        except ValueError:
            continue
        if host == row.host or (row.venue_id, host, row.port) in taken:
            continue
        taken.discard((row.venue_id, row.host, row.port))
        taken.add((row.venue_id, host, row.port))
        receiver_model.objects.filter(pk=row.pk).update(host=host)


class Migration(migrations.Migration):
    dependencies = [("micboard", "0005_alert_rules_watched_hours_contacts_outbox")]

    operations = [migrations.RunPython(normalise_hosts, migrations.RunPython.noop)]
