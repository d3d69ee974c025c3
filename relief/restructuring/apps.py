from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestructuringConfig(AppConfig):
    name = "relief.restructuring"
    label = "relief_restructuring"
    verbose_name = _("Restructuring layoffs (化解过剩产能职工安置)")

    def ready(self) -> None:
        from jobs import hired
        from relief.restructuring import tasks

        # A placement through 阳光就业 closes the placed worker's open layoff path (jobs cannot import
        # relief: it runs the task by name after the hire commits).
        hired.subscribe(tasks.PLACED)
