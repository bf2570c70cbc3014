from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Tasks and reports")

    def ready(self) -> None:
        # The tasks app's lines on the home page (org.home is the registry; org imports no app above it).
        from tasks import home_todo  # noqa: F401
