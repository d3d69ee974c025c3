"""Start-up checks for the personal-data keys.

The database check runs with ``manage.py check --database default`` (``make run`` and CI do this),
and the WSGI and Celery entry points call :func:`verify_encryption_keys` before serving, so a
wrong ``FIELD_ENCRYPTION_KEYS`` or ``FIELD_HASH_KEY`` stops the service instead of showing
ciphertext or letting duplicate ID numbers in.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from core import crypto


def ensure_canary(**kwargs: Any) -> None:
    """post_migrate: store the canary once, under the keys in use when the database was created."""
    from core.models import EncryptionCanary

    if not EncryptionCanary.objects.exists():
        EncryptionCanary.objects.create(
            token=crypto.encrypt(EncryptionCanary.KNOWN_PLAINTEXT),
            hashed=crypto.keyed_hash(EncryptionCanary.KNOWN_PLAINTEXT),
        )


def verify_encryption_keys() -> list[Error]:
    from core.models import EncryptionCanary

    try:
        canary = EncryptionCanary.objects.order_by("pk").first()
    except DatabaseError:
        return []  # not migrated yet: nothing stored, nothing to lose
    if canary is None:
        return []  # written after the first migrate (core.apps), nothing encrypted before it
    errors = []
    try:
        ok = crypto.decrypt(canary.token) == EncryptionCanary.KNOWN_PLAINTEXT
    except crypto.EncryptionKeyError:
        ok = False
    if not ok:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS cannot decrypt the stored canary: personal data would be unreadable.",
                hint="Restore the key that encrypted the data (keep old keys after the new one while rotating).",
                id="core.E001",
            )
        )
    if canary.hashed != crypto.keyed_hash(EncryptionCanary.KNOWN_PLAINTEXT):
        errors.append(
            Error(
                "FIELD_HASH_KEY differs from the key the stored lookup hashes were made with.",
                hint="Restore the original FIELD_HASH_KEY; ID-number uniqueness depends on it.",
                id="core.E002",
            )
        )
    return errors


@register(Tags.database)
def encryption_keys_check(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    if not databases or "default" not in databases:
        return []
    return verify_encryption_keys()
