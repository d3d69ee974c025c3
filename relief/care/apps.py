from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "relief.care"
    label = "relief_care"
    verbose_name = _("Care for sanitation and women workers (关爱环卫工人和女职工)")
