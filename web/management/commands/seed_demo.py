from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from web import demo


class Command(BaseCommand):
    help = "Load a realistic demo county (idempotent). Prints a login for each role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--households", type=int, default=2100)

    def handle(self, *args: Any, households: int, **options: Any) -> None:
        result = demo.seed(households=households, verbose=lambda s: self.stdout.write(s))
        if not result.created:
            self.stdout.write(
                f"Demo data already present ({result.households} households, "
                f"{result.members} members); nothing changed."
            )
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})"))
        for role, username, reach in result.logins:
            self.stdout.write(f"  {role:<10} {username:<22} {reach}")
        self.stdout.write("  Log in at http://127.0.0.1:8000/accounts/login/ with the username or the mobile number.")
