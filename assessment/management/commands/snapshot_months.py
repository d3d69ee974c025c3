"""Take (or re-take) month-end snapshots: one month, or every month of a range.

manage.py snapshot_months 2026-03
manage.py snapshot_months 2024-01 2025-12
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessment import services
from assessment.periods import Period, parse_month
from core.errors import DomainError


class Command(BaseCommand):
    help = "Take the month-end snapshots of every indicator for every unit (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("first", help="YYYY-MM")
        parser.add_argument("last", nargs="?", help="YYYY-MM (default: the first)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            first = parse_month(options["first"])
            last = parse_month(options["last"]) if options["last"] else first
            if last < first:
                raise CommandError("The last month comes before the first.")
            for month in Period.months_between(first.start, last.end).months():
                rows = services.snapshot_month(period=month)
                self.stdout.write(f"{month.key}: {rows} values")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
