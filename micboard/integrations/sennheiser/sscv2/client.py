"""One deadline-bounded SSC v2 poll of an EW-DX over HTTPS.

SSC v2 is "a secure RESTful API via HTTPS transport" where "an SSCv2 server must implement
HTTPS using HTTP/1.1" and "an SSCv2 client should use persistent connections" (SSC v2 draft
0.1, "HTTP(S)"); the credentials are the user ``api`` and the third-party password set in
Control Cockpit (Control Cockpit, EW-DX "Access"). A poll opens one connection, checks the
device's certificate against the one pinned for the receiver before it sends the password,
and GETs each value the UDP driver reads, one after another, within the poll timeout. A
status that is an SSC refusal (404 an address the device lacks, 424 a transmitter not
present) answers its question with no value and is counted as SSC v1's error reply is.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import ssl
import time

from micboard.exceptions import (
    CertificateMismatchError,
    DeviceAuthenticationError,
    DeviceTimeoutError,
    DeviceUnreachableError,
    ProtocolError,
)
from micboard.integrations.base import DeviceAddress, ReceiverSnapshot
from micboard.integrations.sennheiser.client import SscPoll
from micboard.integrations.sennheiser.codec import Path, Value
from micboard.integrations.sennheiser.errors import NOT_FOUND, TX_NOT_PRESENT
from micboard.integrations.sennheiser.families import Family
from micboard.integrations.sennheiser.sscv2.resources import resource_path
from micboard.integrations.sennheiser.sscv2.values import snapshot_from, value_from_body

API_USER = "api"
"""Control Cockpit, EW-DX "Access": "You can use the username api and configured password"."""
REQUEST_FORM = "sscv2"
REFUSALS = frozenset({NOT_FOUND, TX_NOT_PRESENT})
"""HTTP statuses read as the SSC error code of the same number (an assumption, see the docs)."""


def certificate_fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def tls_context() -> ssl.SSLContext:
    """Devices carry self-signed certificates: trust comes from the pin, not from a CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def read_receiver_v2(address: DeviceAddress, *, family: Family, channels: int) -> ReceiverSnapshot:
    """Every value of the receiver; raises a ``DeviceError`` unless each GET is answered."""
    endpoint = f"{address.host}:{address.port}"
    deadline = time.monotonic() + address.timeout
    connection = http.client.HTTPSConnection(
        address.host, address.port, timeout=address.timeout, context=tls_context()
    )
    try:
        fingerprint = _connect(connection, endpoint, address)
        header = _authorization(address.password)
        # What the UDP poll asks: the identity, each channel's addresses, the meters.
        poll = SscPoll(family, channels)
        for path in sorted(poll.questions):
            status, value = _get(connection, endpoint, path, header, deadline, address.timeout)
            poll.answers[path] = value
            if status in REFUSALS:
                poll.refused[path] = status
    finally:
        connection.close()
    return snapshot_from(poll, request_form=REQUEST_FORM, certificate=fingerprint)


def _connect(connection: http.client.HTTPSConnection, endpoint: str, address: DeviceAddress) -> str:
    try:
        connection.connect()
    except TimeoutError:
        raise DeviceTimeoutError(f"{endpoint} did not complete a TLS handshake in time") from None
    except (OSError, ssl.SSLError) as error:
        raise DeviceUnreachableError(f"cannot open HTTPS to {endpoint}: {error}") from None
    sock = connection.sock
    der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
    if not der:
        raise ProtocolError(f"{endpoint} presented no TLS certificate")
    fingerprint = certificate_fingerprint(der)
    pinned = address.pinned_certificate
    if pinned and fingerprint != pinned:
        raise CertificateMismatchError(
            f"{endpoint} presented a certificate other than the pinned one "
            f"(pinned SHA-256 {pinned[:16]}..., presented {fingerprint[:16]}...); "
            "the password was not sent. If the device was replaced or re-keyed, reset the pin."
        )
    return fingerprint


def _authorization(password: str) -> str:
    token = base64.b64encode(f"{API_USER}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def _get(  # noqa: PLR0917 (one request's parts, passed on from the poll)
    connection: http.client.HTTPSConnection,
    endpoint: str,
    path: Path,
    header: str,
    deadline: float,
    timeout: float,
) -> tuple[int, Value]:
    """The status and the value (``None`` for a refusal)."""
    left = deadline - time.monotonic()
    resource = resource_path(path)
    if left <= 0:
        raise DeviceTimeoutError(f"{endpoint} did not answer {resource} within {timeout:g} s")
    if connection.sock is not None:
        connection.sock.settimeout(left)
    try:
        connection.request(
            "GET", resource, headers={"Authorization": header, "Accept": "application/json"}
        )
        response = connection.getresponse()
        body = response.read()
    except TimeoutError:
        raise DeviceTimeoutError(
            f"{endpoint} did not answer {resource} within {timeout:g} s"
        ) from None
    except http.client.IncompleteRead as error:
        raise ProtocolError(
            f"{endpoint} broke off its answer to {resource}: truncated JSON "
            f"({len(error.partial)} bytes of {len(error.partial) + (error.expected or 0)})"
        ) from None
    except (OSError, http.client.HTTPException) as error:
        raise DeviceUnreachableError(f"{endpoint} broke off at {resource}: {error!r}") from None
    if response.status == 401:
        raise DeviceAuthenticationError(
            f"{endpoint} refused the password of user {API_USER!r} (HTTP 401); "
            "set the receiver's device password to the third-party password of the device"
        )
    if response.status in REFUSALS:
        return response.status, None
    if response.status != 200:
        raise ProtocolError(f"{endpoint} answered {resource} with HTTP {response.status}")
    return response.status, value_from_body(path, body, endpoint)


__all__ = ["API_USER", "certificate_fingerprint", "read_receiver_v2"]
