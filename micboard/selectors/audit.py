"""Reading the audit trail, narrowed to the venues a caller may audit."""

from __future__ import annotations

from django.db.models import QuerySet

from micboard.models import AuditEntry
from micboard.selectors.access import Capability, VenueAccess


def audit_list(
    *, access: VenueAccess, venue_slug: str = "", action: str = ""
) -> QuerySet[AuditEntry]:
    """Newest first. Entries of no venue (venues made, installation-wide links) are a
    superuser's alone."""
    entries = AuditEntry.objects.all()
    ids = access.venue_ids(Capability.VIEW_AUDIT)
    if ids is not None:
        entries = entries.filter(venue_id__in=sorted(ids))
    if venue_slug:
        entries = entries.filter(venue_slug=venue_slug)
    if action:
        entries = entries.filter(action=action)
    return entries
