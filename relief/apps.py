from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "relief"
    verbose_name = _("Relief tracks")

    def ready(self) -> None:
        from households import received
        from relief.received import benefits

        received.register("relief", benefits)
        # Each track module registers itself in its own relief.py (``relief/registry.py``).
        autodiscover_modules("relief")
