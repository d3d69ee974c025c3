from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarmthConfig(AppConfig):
    name = "relief.warmth"
    label = "relief_warmth"
    verbose_name = _("Send warmth (送温暖)")
