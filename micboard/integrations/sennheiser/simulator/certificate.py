"""A self-signed certificate of the kind a device makes for itself, for the simulator."""

from __future__ import annotations

import datetime
import ipaddress
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed_pem(host: str, serial: str) -> tuple[bytes, bytes]:
    """A new key and a certificate for ``host`` signed by that key, both PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"EW-DX {serial}")])
    now = datetime.datetime.now(datetime.UTC)
    try:
        alternative: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alternative = x509.DNSName(host)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName([alternative]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def write_pair(key_pem: bytes, certificate_pem: bytes) -> tuple[Path, Path]:
    """The pair as files (``ssl`` loads certificates from files only)."""
    folder = Path(tempfile.mkdtemp(prefix="micboard-sscv2-"))
    key_file, certificate_file = folder / "key.pem", folder / "certificate.pem"
    key_file.write_bytes(key_pem)
    certificate_file.write_bytes(certificate_pem)
    key_file.chmod(0o600)
    return key_file, certificate_file
