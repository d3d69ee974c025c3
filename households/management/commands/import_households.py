from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import OrgUnit, User
from core.errors import DomainError
from households import importing
from households.models import ImportJob


class Command(BaseCommand):
    help = (
        "Import households and members from a spreadsheet in the archive template "
        "(docs/import-template.md), as the given user and into the given unit."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--unit", required=True, help="unit code for rows without one")
        parser.add_argument("--user", required=True, help="username of the organizer importing")
        parser.add_argument(
            "--good-rows",
            action="store_true",
            help="import the good rows and report the rest (default: all or nothing)",
        )
        parser.add_argument("--report", help="where to write the problem report (.xlsx)")

    def handle(
        self, *args: Any, path: str, unit: str, user: str, good_rows: bool, report: str | None, **options: Any
    ) -> None:
        acting = User.objects.filter(username=user).first()
        org_unit = OrgUnit.objects.filter(code=unit).first()
        if acting is None:
            raise CommandError(f"No user {user!r}.")
        if org_unit is None:
            raise CommandError(f"No unit with code {unit!r}.")
        try:
            with Path(path).open("rb") as handle:
                job = importing.import_start(
                    by=acting,
                    org_unit=org_unit,
                    upload=handle,
                    mode=ImportJob.Mode.GOOD_ROWS if good_rows else ImportJob.Mode.ALL_OR_NOTHING,
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        job.refresh_from_db()
        if job.status in (ImportJob.Status.QUEUED, ImportJob.Status.CHECKING):
            self.stdout.write(f"Import {job.pk} queued on the Celery worker.")
            return
        if report and job.report:
            Path(report).write_bytes(job.report.read())
        self.stdout.write(job.message)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(f"Import {job.status}.")
