from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "relief.insurance"
    label = "relief_insurance"
    verbose_name = _("Social insurance (社会保险)")
