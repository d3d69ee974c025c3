from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # The tasks are imported to register them in every process (web too): lower layers enqueue
        # them by name on commit. The panel is the worker's own score and reasons on a job's page
        # (jobs cannot import matching: see jobs/panels.py).
        from jobs.panels import register_posting_panel
        from matching import tasks  # noqa: F401
        from matching.panels import my_match_panel

        register_posting_panel("my_match", my_match_panel)
