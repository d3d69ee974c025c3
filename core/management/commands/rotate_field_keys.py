from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core import crypto
from core.crypto import EncryptedTextField
from core.models import EncryptionCanary


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column under the newest key in FIELD_ENCRYPTION_KEYS. Run it after "
        "putting a new key first; when it finishes, the older keys can be removed from the setting."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            columns = [f.attname for f in fields]
            table = model._default_manager
            rotated = 0
            # Tokens are read and written with plain SQL: the fields would decrypt them on the way in.
            # History tables hold encrypted copies too; they are models here and are rotated alike.
            pks = list(table.values_list("pk", flat=True).order_by("pk"))
            for start in range(0, len(pks), batch_size):
                chunk = pks[start : start + batch_size]
                with transaction.atomic():
                    for row in _raw_rows(model, columns, chunk):
                        updates = {c: crypto.rotate(v) for c, v in row.items() if c != "pk" and v}
                        if updates:
                            _raw_update(model, row["pk"], updates)
                            rotated += 1
            total += rotated
            self.stdout.write(f"{model._meta.label}: {rotated} rows re-encrypted")
        canary = EncryptionCanary.objects.order_by("pk").first()
        if canary is not None:
            EncryptionCanary.objects.filter(pk=canary.pk).update(token=crypto.rotate(canary.token))
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted under the newest key."))


def _raw_rows(model: Any, columns: list[str], pks: list[Any]) -> list[dict[str, Any]]:
    """The stored tokens themselves, read without the fields' decryption."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk_column}, {quoted} FROM {table} WHERE {pk_column} IN ({placeholders})", pks)
        return [dict(zip(["pk", *columns], values, strict=True)) for values in cursor.fetchall()]


def _raw_update(model: Any, pk: Any, updates: dict[str, str]) -> None:
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in updates)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s", [*updates.values(), pk])
