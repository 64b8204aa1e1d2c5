"""API permissions beyond the defaults (authenticated reads, model permissions for writes)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class CanResync(BasePermission):
    """Resyncs change what a receiver is doing: they need ``micboard.change_receiver``."""

    message = "Resyncs need the permission to change receivers."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("micboard.change_receiver"))
