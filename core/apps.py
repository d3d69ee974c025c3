from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core import (
            checks,  # registers the system checks
            tasks,  # noqa: F401  (registers the Celery tasks in every process)
        )

        post_migrate.connect(checks.ensure_canary, sender=self)
