from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Assessment (考核)")

    def ready(self) -> None:
        # Each module of ``assessment.indicators`` registers its indicators when imported; importing
        # the package once at start-up fills the registry before any request or task reads it.
        from assessment import indicators  # noqa: F401
