"""What the fleet simulator asks of a simulated receiver, whatever its vendor.

Shure's simulated receivers (``micboard.integrations.shure.simulator``) and Sennheiser's
(``micboard.integrations.sennheiser.simulator``) both have these controls, so one scenario
timeline plays against a mixed fleet. A switch a vendor's simulator lacks changes nothing
there (``configure`` of a Sennheiser receiver ignores TCP framing faults)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


class SimulatedDevice(Protocol):
    model: str
    channel_count: int
    host: str
    port: int
    device_id: str

    @property
    def online(self) -> bool: ...

    @online.setter
    def online(self, online: bool) -> None: ...

    @property
    def family_name(self) -> str: ...

    @property
    def transport(self) -> str:
        """``tcp``, ``udp`` or ``https`` (an EW-DX in SSC v2 mode)."""
        ...

    @property
    def name_width(self) -> int:
        """The longest channel name the receiver keeps."""
        ...

    def configure(self, **switches: Any) -> None: ...

    def starting_name(self, channel: int) -> str: ...

    def starting_frequency(self, channel: int) -> int: ...

    def set_channel_name(self, channel: int, name: str) -> None: ...

    def set_frequency(self, channel: int, frequency_khz: int) -> None: ...

    def set_transmitter(self, channel: int, on: bool) -> None: ...

    def set_rf_dropout(self, channel: int, dropout: bool) -> None: ...

    def set_audio_peak(self, channel: int, peaking: bool) -> None: ...

    def drain(self, channel: int, minutes: int) -> None: ...


@runtime_checkable
class Mutable(Protocol):
    """A receiver that reports its channels' mute (Sennheiser's), so a scenario can mute."""

    def set_mute(self, channel: int, muted: bool) -> None: ...
