from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("Household archive")

    def ready(self) -> None:
        # Register the tasks in every process (web too), so lower layers can enqueue them by name.
        from households import tasks  # noqa: F401
