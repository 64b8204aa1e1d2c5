"""Encrypting stored secrets (webhook signing keys) with Fernet keys from the settings.

The keys are ``MICBOARD_ENCRYPTION_KEYS``, newest first: the first encrypts, any of them
decrypts, so a new key is put in front, the stored secrets re-encrypted
(``manage.py micboard_rotate_secrets``), and the old key dropped afterwards.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from micboard.exceptions import ConfigurationError

DEVELOPMENT_KEY = base64.urlsafe_b64encode(b"insecure-development-fernet-key!").decode()
"""Used only in debug when no key is set; ``check --deploy`` refuses it."""


def key_problem(key: str) -> str:
    """Why ``key`` is not a Fernet key (32 bytes, URL-safe base64), or "" when it is."""
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return "not URL-safe base64"
    if len(raw) != 32:
        return f"{len(raw)} bytes where a Fernet key has 32"
    return ""


class UndecryptableSecretError(ConfigurationError):
    """A stored secret no configured key decrypts: its key was dropped too early."""

    code = "undecryptable_secret"


class SecretBox:
    """Encrypts with the newest key, decrypts with any; never shows what it holds."""

    def __init__(self, keys: Sequence[str]) -> None:
        for position, key in enumerate(keys):
            problem = key_problem(key)
            if problem:
                raise ConfigurationError(
                    f"MICBOARD_ENCRYPTION_KEYS: key {position + 1} is {problem}",
                    details={"position": position + 1},
                )
        self._fernet = MultiFernet([Fernet(key) for key in keys]) if keys else None
        self._newest = Fernet(keys[0]) if keys else None

    def _keys(self) -> MultiFernet:
        if self._fernet is None:
            raise ConfigurationError(
                "MICBOARD_ENCRYPTION_KEYS is not set: secrets cannot be stored or read"
            )
        return self._fernet

    def encrypt(self, secret: str) -> str:
        """The token stored for ``secret`` ("" stays "": no secret)."""
        return self._keys().encrypt(secret.encode()).decode("ascii") if secret else ""

    def decrypt(self, token: str) -> str:
        if not token:
            return ""
        try:
            return self._keys().decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeEncodeError):
            raise UndecryptableSecretError(
                "a stored secret is encrypted with none of MICBOARD_ENCRYPTION_KEYS"
            ) from None

    def is_current(self, token: str) -> bool:
        """Whether ``token`` is encrypted with the newest key already."""
        if not token or self._newest is None:
            return not token
        try:
            self._newest.decrypt(token.encode("ascii"))
        except InvalidToken:
            return False
        return True

    def rotate(self, token: str) -> str:
        """``token`` re-encrypted with the newest key (the secret unchanged)."""
        if not token:
            return ""
        try:
            return self._keys().rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise UndecryptableSecretError(
                "a stored secret is encrypted with none of MICBOARD_ENCRYPTION_KEYS"
            ) from None
