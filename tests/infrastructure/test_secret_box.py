"""The secret box: newest key encrypts, any decrypts, rotation, and clear refusals."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from micboard.exceptions import ConfigurationError
from micboard.infrastructure.secret_box import (
    DEVELOPMENT_KEY,
    SecretBox,
    UndecryptableSecretError,
    key_problem,
)

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_the_newest_key_encrypts_and_every_key_decrypts() -> None:
    token = SecretBox([OLD]).encrypt("hook-secret")
    assert "hook-secret" not in token
    both = SecretBox([NEW, OLD])
    assert both.decrypt(token) == "hook-secret"
    assert not both.is_current(token)
    rotated = both.rotate(token)
    assert both.is_current(rotated)
    assert SecretBox([NEW]).decrypt(rotated) == "hook-secret"
    with pytest.raises(UndecryptableSecretError):
        SecretBox([NEW]).decrypt(token)
    with pytest.raises(UndecryptableSecretError):
        SecretBox([NEW]).rotate(token)


def test_no_secret_stays_empty_whatever_the_keys() -> None:
    for box in (SecretBox([]), SecretBox([NEW])):
        assert (box.encrypt(""), box.decrypt(""), box.rotate("")) == ("", "", "")
        assert box.is_current("")
    assert not SecretBox([]).is_current(SecretBox([NEW]).encrypt("x"))


def test_without_keys_a_secret_can_be_neither_stored_nor_read() -> None:
    with pytest.raises(ConfigurationError, match="MICBOARD_ENCRYPTION_KEYS is not set"):
        SecretBox([]).encrypt("x")


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (NEW, ""),
        (DEVELOPMENT_KEY, ""),
        ("c2hvcnQ=", "5 bytes where a Fernet key has 32"),
        ("not base64!", "not URL-safe base64"),
        ("ключ", "not URL-safe base64"),
    ],
    # Stable ids: NEW is made afresh in each process, and xdist's processes must agree.
    ids=["generated", "development", "short", "not-base64", "not-ascii"],
)
def test_a_key_is_checked_before_use(key: str, problem: str) -> None:
    assert key_problem(key) == problem
    if problem:
        with pytest.raises(ConfigurationError, match=f"key 2 is {problem}"):
            SecretBox([NEW, key])
