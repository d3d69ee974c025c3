"""The Celery app. Without CELERY_BROKER_URL every task runs eagerly in the calling process."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")

# Every task retries on a deadlock (core.tasks.ReliableTask).
app = Celery("web", task_cls="core.tasks:ReliableTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _verify_keys(**kwargs: Any) -> None:
    # A worker with the wrong field keys would write undecryptable rows: refuse to start.
    from django.core.exceptions import ImproperlyConfigured

    from core.checks import verify_encryption_keys

    errors = verify_encryption_keys()
    if errors:
        raise ImproperlyConfigured("; ".join(e.msg for e in errors))
