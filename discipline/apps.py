from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "discipline"
    verbose_name = _("Discipline and accountability")

    def ready(self) -> None:
        # Its lines on the home page (org.home is the registry; org imports no app above it).
        from discipline import home_todo  # noqa: F401
