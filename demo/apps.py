from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for every app (``manage.py seed_demo``); depends on all apps, nothing depends on it."""

    name = "demo"
    verbose_name = "Demo data"
