from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicalConfig(AppConfig):
    name = "relief.medical"
    label = "relief_medical"
    verbose_name = _("Medical aid (医疗救助)")
