from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "discipline"
    verbose_name = _("Discipline and accountability")

    def ready(self) -> None:
        # Who may be picked on this app's forms (the official picker, org/pickers.py) and its lines on the home page
        # (org.home is the registry; org imports no app above it).
        from discipline import home_todo, pickers  # noqa: F401
