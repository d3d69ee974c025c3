"""``core.crypto.decrypt_many``: the batched decryption gives exactly what ``decrypt`` gives, under
rotated keys too, and refuses what ``decrypt`` refuses."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

from core import crypto


def test_it_decrypts_exactly_what_decrypt_does() -> None:
    values = ["650.00", "", "一" * 40, "x" * 16, "x" * 15, "王强 13847700001"]
    tokens = [crypto.encrypt(v) for v in values]
    assert crypto.decrypt_many(tokens) == [crypto.decrypt(t) for t in tokens] == values


def test_tokens_of_an_older_key_decrypt_during_rotation(settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    under_old = crypto.encrypt("1200.50")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    under_new = crypto.encrypt("300.00")
    assert crypto.decrypt_many([under_old, under_new, under_old]) == ["1200.50", "300.00", "1200.50"]


def test_a_tampered_or_foreign_token_raises(settings: Any) -> None:
    token = crypto.encrypt("650.00")
    raw = bytearray(token.encode())
    raw[40] = ord("A") if raw[40] != ord("A") else ord("B")
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.decrypt_many([bytes(raw).decode()])
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.decrypt_many(["not a token"])
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.decrypt_many([token])
