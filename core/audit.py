"""The access log for personal data: one row per unmasked read or export (who, when, what, why)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.models import SensitiveAccess


def sensitive_read_logged(
    *,
    user: Any,
    record_type: str,
    record_ids: Iterable[Any],
    field: str,
    purpose: str,
    note: str = "",
    ip_address: str | None = None,
) -> int:
    rows = [
        SensitiveAccess(
            user=user,
            record_type=record_type,
            record_id=str(pk),
            field=field,
            purpose=purpose,
            note=note[:200],
            ip_address=ip_address,
        )
        for pk in record_ids
    ]
    SensitiveAccess.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
