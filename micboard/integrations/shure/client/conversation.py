"""What the TCP and UDP conversations share: the deadline, refusals and readable errors."""

from __future__ import annotations

import time

from micboard.exceptions import DeviceError, DeviceTimeoutError, ProtocolError
from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.shure.client.replies import ReplyCollector
from micboard.integrations.shure.codec import FrameDecoder, Message, encode
from micboard.integrations.shure.families import Family, RequestForm


class Conversation:
    """One poll of one receiver, bounded by ``address.timeout`` from start to end."""

    def __init__(
        self,
        address: DeviceAddress,
        family: Family,
        channels: int,
        form: RequestForm | None = None,
    ) -> None:
        self.address = address
        self.family = family
        self.endpoint = (
            f"[{address.host}]:{address.port}"
            if ":" in address.host
            else f"{address.host}:{address.port}"
        )
        self.deadline = time.monotonic() + address.timeout
        self.decoder = FrameDecoder(family.dialect.framing)
        self.reply = ReplyCollector(family, channels, form)
        self.sent: list[Message] = []
        self.resent = 0
        self.prepare()

    def prepare(self) -> None:
        """Set up what a transport keeps beside the shared state (a hook)."""

    def result(self) -> ReceiverSnapshot:
        try:
            decoder = self.decoder
            if decoder.errors and not self.reply.last_skipped:
                self.reply.last_skipped = decoder.errors[-1].message
            return self.reply.snapshot(resent=self.resent, malformed=decoder.malformed_frames)
        except ProtocolError as error:
            raise self.error(ProtocolError, f"{self.endpoint} {error.message}") from error

    def absorb(self, messages: list[Message]) -> None:
        for message in messages:
            try:
                self.reply.add(message)
            except ProtocolError as error:
                raise self.error(ProtocolError, f"{self.endpoint} {error.message}") from None
        if self.refused_everything and self.reply.form is RequestForm.PARAM:
            raise self.refused()

    @property
    def refused_everything(self) -> bool:
        """Every request sent so far was answered with ``REP ERR``."""
        return bool(self.sent) and self.reply.refusals >= len(self.sent)

    def refused(self) -> DeviceError:
        shown = " ".join(encode(c).decode("latin-1") for c in self.sent[:6])
        more = f" and {len(self.sent) - 6} more" if len(self.sent) > 6 else ""
        return self.error(
            ProtocolError,
            f"{self.endpoint} answered < REP ERR > to every request ({shown}{more})",
        )

    def remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self.timeout()
        return remaining

    def timeout(self, note: str = "") -> DeviceError:
        if self.decoder.messages_decoded == 0 and self.decoder.discarded_bytes:
            return self.error(
                ProtocolError,
                f"{self.endpoint} answered only garbage within {self.address.timeout} s"
                f"{self.garbage_note()}",
            )
        if self.resent:
            note = f"{note}, {self.resent} request(s) sent again"
        return self.error(
            DeviceTimeoutError,
            f"no complete reply from {self.endpoint} within {self.address.timeout} s "
            f"({self.reply.progress()}{note}){self.garbage_note()}",
        )

    def garbage_note(self) -> str:
        decoder = self.decoder
        if not decoder.discarded_bytes:
            return ""
        note = (
            f"; skipped {decoder.discarded_bytes} bytes of garbage "
            f"and {decoder.malformed_frames} malformed frames"
        )
        return f"{note} (last: {decoder.errors[-1].message})" if decoder.errors else note

    def error(self, kind: type[DeviceError], message: str) -> DeviceError:
        details: dict[str, object] = {"host": self.address.host, "port": self.address.port}
        return kind(message, details=details)
