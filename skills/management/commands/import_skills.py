from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from skills import services
from skills.reference import BUILTIN_TAXONOMY


class Command(BaseCommand):
    help = (
        "Insert or update skills from a JSON Lines taxonomy (one skill a line: "
        '{"id", "name_zh", "name_en", "synonyms": [...]}). Any bad line rejects the whole file.'
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--in",
            dest="path",
            default=str(BUILTIN_TAXONOMY),
            help="the taxonomy file (default: the built-in taxonomy)",
        )

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            with Path(path).open(encoding="utf-8-sig") as handle:
                result = services.taxonomy_import(lines=handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text.") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} skills created, {result.updated} updated, {result.synonyms} written forms."
            )
        )
