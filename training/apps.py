from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # Register who may be picked on this app's forms (the official picker, org/pickers.py) and the training's
        # lines on the home page (org.home is the registry; org imports no app above it). The appraisal reads
        # this app's facts itself (appraisal.components.training, appraisal.services.derive_training).
        # The receivers keep the yearly training sums (YearHours) right on every write.
        from training import home_todo, pickers, receivers  # noqa: F401
