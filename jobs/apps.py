from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Sunshine Employment: jobs")

    def ready(self) -> None:
        from accounts import visibility
        from households import received
        from jobs import selectors, tasks  # noqa: F401  (tasks: registers the Celery tasks in every process)
        from jobs.received import placements

        received.register("jobs", placements)
        # accounts/ decides who sees people and cannot import this app: it asks us about companies.
        visibility.register_company_check(selectors.company_verified)
