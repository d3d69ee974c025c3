from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from notifications import kinds, tasks  # noqa: F401  (our own kinds; the Celery tasks in every process)

        # Each app's ``notices.py`` registers its kinds and reminders, as ``admin.py`` registers models.
        autodiscover_modules("notices")
