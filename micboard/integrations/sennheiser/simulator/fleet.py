"""Simulated Sennheiser receivers, each at its own address, with batteries that drain."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from types import TracebackType

from micboard.integrations.sennheiser.families import SSC_PORT, family_of
from micboard.integrations.sennheiser.simulator.receiver import SimulatedReceiver

Address = tuple[str, int]


class SennheiserFleet:
    """``models[i]`` listens at ``addresses[i]``. Every ``tick_interval`` seconds each
    transmitter that is on loses ``battery_drain`` percent (0 keeps batteries still)."""

    def __init__(
        self,
        models: Sequence[str],
        addresses: Sequence[Address],
        *,
        tick_interval: float = 60.0,
        battery_drain: float = 1.0,
    ) -> None:
        if len(addresses) < len(models):
            raise ValueError(f"{len(addresses)} addresses for {len(models)} receivers")
        self.receivers = []
        for index, (model, (host, port)) in enumerate(zip(models, addresses, strict=False)):
            family, channels = family_of(model)
            serial = f"{1454100000 + index}"
            self.receivers.append(
                SimulatedReceiver(family, channels, host=host, port=port, serial=serial)
            )
        self.tick_interval = tick_interval
        self.battery_drain = battery_drain
        self._stopping = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self) -> SennheiserFleet:
        """Bind every receiver; raises ``OSError`` (with the address) when one cannot."""
        try:
            for receiver in self.receivers:
                try:
                    receiver.start()
                except OSError as error:
                    raise OSError(
                        error.errno, f"cannot listen at {receiver.host}:{receiver.port}: {error}"
                    ) from None
        except OSError:
            self.stop()
            raise
        self._ticker = threading.Thread(target=self._tick, name="ssc-ticker", daemon=True)
        self._ticker.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        for receiver in self.receivers:
            receiver.stop()

    def _tick(self) -> None:
        while not self._stopping.wait(self.tick_interval):
            for receiver in self.receivers:
                for channel in receiver.channels:
                    if channel.transmitter_on and self.battery_drain:
                        left = max(0, channel.battery_percent - round(self.battery_drain))
                        channel.battery_percent = left
                        channel.lifetime_s = left * 180

    def __enter__(self) -> SennheiserFleet:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


__all__ = ["SSC_PORT", "SennheiserFleet"]
