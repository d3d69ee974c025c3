from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Sunshine Employment: jobs")

    def ready(self) -> None:
        from households import received
        from jobs import tasks  # noqa: F401  (registers the Celery tasks in every process)
        from jobs.received import placements

        received.register("jobs", placements)
