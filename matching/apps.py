from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # Register the tasks in every process (web too): lower layers enqueue them by name on commit.
        from matching import tasks  # noqa: F401
