"""The receiver form of the admin: validated by the service layer, with a device password."""

from __future__ import annotations

from typing import Any

from django import forms

from micboard.composition import device_service
from micboard.exceptions import MicboardError
from micboard.models import Receiver
from micboard.services.dto import ReceiverInput


class ReceiverAdminForm(forms.ModelForm[Receiver]):
    """Validates through the service layer, so the admin and the API reject the same input."""

    new_device_password = forms.CharField(
        label="Device password",
        required=False,
        strip=False,
        max_length=64,
        widget=forms.PasswordInput(render_value=False),
        help_text="SSC v2 (EW-DX): the device's third-party password of user 'api'. Stored "
        "encrypted and never shown; left empty, the stored one is kept.",
    )

    class Meta:
        model = Receiver
        fields = ("venue", "name", "model", "protocol", "host", "port", "poll_interval", "enabled")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            fields = device_service().receiver_validate(data=ReceiverInput.from_values(cleaned))
        except MicboardError as error:
            for field, problem in error.details.items():
                self.add_error(field if field in self.fields else None, str(problem))
            if not error.details:
                self.add_error(None, error.message)
            return cleaned
        cleaned["host"] = fields["host"]  # the normalised spelling, checked for uniqueness
        return cleaned
