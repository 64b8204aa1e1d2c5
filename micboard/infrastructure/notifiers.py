"""Sending one notification: an email through Django's backend, a signed webhook POST.

Every network wait is bounded by the timeout each sender is built with.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import time
import urllib.error
import urllib.request
from typing import Protocol
from urllib.parse import urlsplit

from django.core.mail import EmailMessage, get_connection

from micboard.exceptions import NotificationError

SIGNATURE_HEADER = "X-Micboard-Signature"
TIMESTAMP_HEADER = "X-Micboard-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``timestamp.body`` keyed with ``secret``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def url_shown(url: str) -> str:
    """``url`` as errors and logs name it: scheme and host only, since a chat tool's
    incoming-webhook URL carries its token in the path (``https://chat.example.org/…``)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    rest = "/…" if (parts.path not in ("", "/") or parts.query) else ""
    return f"{parts.scheme}://{host}{port}{rest}" if parts.scheme and host else "(a malformed URL)"


class EmailSender(Protocol):
    def send(self, *, to: str, subject: str, text: str, idempotency_key: str) -> None: ...


class WebhookPoster(Protocol):
    def post(self, *, url: str, secret: str, body: bytes, idempotency_key: str) -> None: ...


class DjangoEmailSender:
    def __init__(self, *, from_email: str, timeout: float) -> None:
        self._from = from_email
        self._timeout = timeout

    def send(self, *, to: str, subject: str, text: str, idempotency_key: str) -> None:
        message = EmailMessage(
            subject=subject,
            body=text,
            from_email=self._from,
            to=[to],
            headers={"Message-ID": f"<{idempotency_key}@micboard>"},
            connection=get_connection(timeout=self._timeout),
        )
        try:
            message.send()
        except OSError as error:  # smtplib's errors and socket timeouts are OSErrors
            raise NotificationError(f"email to {to}: {error}") from None


class UrllibWebhookPoster:
    def __init__(self, *, timeout: float) -> None:
        self._timeout = timeout

    def post(self, *, url: str, secret: str, body: bytes, idempotency_key: str) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise NotificationError(f"webhook URL {url_shown(url)} is not http or https")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "micboard",
            TIMESTAMP_HEADER: timestamp,
            IDEMPOTENCY_HEADER: idempotency_key,
        }
        if secret:
            headers[SIGNATURE_HEADER] = webhook_signature(secret, timestamp, body)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                response.read(65536)
        except urllib.error.HTTPError as error:
            raise NotificationError(f"webhook {url_shown(url)} answered {error.code}") from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            reason = str(error).replace(url, url_shown(url))
            path = urlsplit(url).path
            if len(path) > 1:
                reason = reason.replace(path, "/…")
            raise NotificationError(f"webhook {url_shown(url)}: {reason}") from None
