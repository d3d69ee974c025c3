from __future__ import annotations

from typing import Any

from celery import current_app, shared_task
from django.db import transaction

from core.maintenance import analyze_database


@shared_task(name="core.analyze_database")
def analyze() -> None:
    analyze_database()


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    """Run the task ``task_name`` once the current transaction commits (at once outside one).

    By name, so that a lower layer can set off a higher one without importing it (a changed
    posting refreshes its matches: ``"matching.refresh_posting"``); through a signature rather than
    ``send_task``, because a signature of a registered task honours eager mode. Only ids travel,
    never model instances. ``robust``: a failing follow-up is logged, it does not undo or fail the
    write that was just committed (in eager mode it runs inside the request)."""

    def send() -> None:
        current_app.signature(task_name, args=list(args)).delay()

    transaction.on_commit(send, robust=True)
