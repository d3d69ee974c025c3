from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentAidConfig(AppConfig):
    name = "relief.student_aid"
    label = "relief_student_aid"
    verbose_name = _("Golden-autumn student aid (金秋助学)")
