"""API permissions beyond the defaults (authenticated reads, model permissions for writes)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission, DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.views import APIView


class CanResync(BasePermission):
    """Resyncs change what a receiver is doing: they need ``micboard.change_receiver``."""

    message = "Resyncs need the permission to change receivers."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("micboard.change_receiver"))


# --- performers, events and assignments -------------------------------------------------
# Every access decision about performers is made here, so a finer scheme (roles per venue)
# replaces these checks in one place.


def may_see_performer_photos(user: Any) -> bool:
    """Photos are seen by whoever may see a wall: any logged-in user."""
    return bool(user and user.is_authenticated)


class CanSwapAssignments(BasePermission):
    """A swap changes two assignments: it needs ``micboard.change_assignment``."""

    message = "Swaps need the permission to change assignments."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("micboard.change_assignment"))


class CanImportAssignments(BasePermission):
    """An import may create and change performers and assignments: it needs all four
    permissions (a dry run only reads: any logged-in user may run one)."""

    message = "Imports need the permissions to add and change performers and assignments."
    NEEDED = (
        "micboard.add_performer",
        "micboard.change_performer",
        "micboard.add_assignment",
        "micboard.change_assignment",
    )

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(self.NEEDED))


class CanReadAssignments(BasePermission):
    """Dry runs and exports only read: any logged-in user."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)


class CanChangePerformers(BasePermission):
    """Setting or removing a photo changes the performer: ``micboard.change_performer``."""

    message = "Photos need the permission to change performers."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("micboard.change_performer"))


class ModelPermissionsToRead(DjangoModelPermissions):
    """As the default, and reading too needs the model's ``view`` permission: contacts and
    the outbox hold people's addresses."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }
