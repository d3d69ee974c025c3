"""Send the tasks waiting in the outbox to the broker now (``core.outbox``).

The web and worker processes relay on commit and Celery beat every few seconds; this is for an
operator after a broker outage, or to see what waits (``--status``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core import outbox


class Command(BaseCommand):
    help = "Send the tasks waiting in the transactional outbox to the broker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--status", action="store_true", help="only show how many tasks wait, and how long")
        parser.add_argument("--now", action="store_true", help="also send the tasks that are backing off")

    def handle(self, *args: Any, status: bool, now: bool, **options: Any) -> None:
        if not status:
            result = outbox.relay(now=now)
            self.stdout.write(f"sent {result.sent}")
        waiting = outbox.backlog()
        self.stdout.write(f"waiting {waiting['waiting']} (oldest {waiting['oldest_seconds']} s)")
        if not status and result.failed:
            raise CommandError("the broker refused or did not answer; the tasks stay in the outbox")
