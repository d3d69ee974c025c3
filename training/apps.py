from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Skills training (技能培训促就业)")

    def ready(self) -> None:
        from households import received
        from training.received import certificates

        received.register("training", certificates)
