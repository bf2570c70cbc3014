from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Register the training component of the score and its grade constraint with the appraisal, and who may
        # be picked on this app's forms (the official picker, org/pickers.py).
        from training import components, pickers  # noqa: F401
