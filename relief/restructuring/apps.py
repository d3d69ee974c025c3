from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestructuringConfig(AppConfig):
    name = "relief.restructuring"
    label = "relief_restructuring"
    verbose_name = _("Restructuring layoffs (化解过剩产能职工安置)")
