from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenturesConfig(AppConfig):
    name = "ventures"
    verbose_name = _("Entrepreneurship aid (创业援助)")

    def ready(self) -> None:
        from households import received
        from ventures import tasks  # noqa: F401  (registers the Celery tasks in every process)
        from ventures.received import venture_aid

        received.register("ventures", venture_aid)
