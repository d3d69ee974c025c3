from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MigrantConfig(AppConfig):
    name = "relief.migrant"
    label = "relief_migrant"
    verbose_name = _("Migrant workers (农牧民工)")
