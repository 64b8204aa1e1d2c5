"""Simulated Sennheiser receivers, each at its own address, with batteries that drain."""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Any

from micboard.integrations.sennheiser.families import EW_DX, SSC_PORT, family_of, normalise
from micboard.integrations.sennheiser.simulator.https import SimulatedHttpsReceiver
from micboard.integrations.sennheiser.simulator.receiver import SimulatedReceiver

Address = tuple[str, int]


PERFORMERS = ("Lead", "Pastor", "Keys", "Choir", "Host", "Guest", "Bass", "Drums")


def channel_names(index: int, channels: int) -> tuple[str, ...]:
    """The ``index``-th receiver's channel names, distinct across a fleet and within the
    SpeechLine name rules (11.63: letters, digits, ``-`` and ``_``, up to 8 characters)."""
    return tuple(
        f"{PERFORMERS[(index * 4 + n - 1) % len(PERFORMERS)]}{index * 4 + n:02d}"[:8]
        for n in range(1, channels + 1)
    )


class SennheiserFleet:
    """``models[i]`` listens at ``addresses[i]`` (port 0: one the system assigns). Every
    ``tick_interval`` seconds each transmitter that is on runs down by ``battery_drain``
    minutes of a 600-minute charge (0 keeps batteries still). ``indexes`` number the
    receivers in a larger fleet (their serials and names), 0, 1, 2... by default. With
    ``sscv2``, EW-DX receivers serve SSC v2 over HTTPS (user ``api``, ``sscv2_password``)
    instead of SSC v1 over UDP."""

    def __init__(
        self,
        models: Sequence[str],
        addresses: Sequence[Address],
        *,
        tick_interval: float = 60.0,
        battery_drain: float = 1.0,
        indexes: Sequence[int] | None = None,
        seed: int | None = None,
        sscv2: bool = False,
        sscv2_password: str = "",
    ) -> None:
        if len(addresses) < len(models):
            raise ValueError(f"{len(addresses)} addresses for {len(models)} receivers")
        numbers = list(indexes) if indexes is not None else list(range(len(models)))
        self.receivers: list[SimulatedReceiver] = []
        for index, model, (host, port) in zip(numbers, models, addresses, strict=False):
            family, channels = family_of(model)
            options: dict[str, Any] = {
                "host": host,
                "port": port,
                "serial": f"{1454100000 + index}",
                "model": normalise(model),
                "names": channel_names(index, channels),
                "seed": None if seed is None else f"{seed}:{index}",
            }
            if sscv2 and family is EW_DX:
                if sscv2_password:
                    options["password"] = sscv2_password
                self.receivers.append(SimulatedHttpsReceiver(family, channels, **options))
            else:
                self.receivers.append(SimulatedReceiver(family, channels, **options))
        self.tick_interval = tick_interval
        self.battery_drain = battery_drain
        self._stopping = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self, taken: Collection[Address] = ()) -> SennheiserFleet:
        """Bind every receiver, none with port 0 at an address in ``taken`` (held by other
        receivers over TCP); raises ``OSError`` (with the address) when one cannot."""
        try:
            for receiver in self.receivers:
                try:
                    receiver.start(avoid={p for h, p in taken if h == receiver.host})
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
                receiver.tick(self.battery_drain)

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
