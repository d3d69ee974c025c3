from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "relief.assistance"
    label = "relief_assistance"
    verbose_name = _("Social assistance (社会救助)")
