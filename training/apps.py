from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Register the training component of the score and its grade constraint with the appraisal.
        from training import components  # noqa: F401
