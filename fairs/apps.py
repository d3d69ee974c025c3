from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "fairs"
    verbose_name = _("Job fairs (招聘会)")

    def ready(self) -> None:
        from fairs import tasks  # noqa: F401  (registers the Celery tasks in every process)
