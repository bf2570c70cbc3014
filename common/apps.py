from django.apps import AppConfig, apps
from django.db.models.signals import pre_save


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        from common.forms import install_empty_label
        from common.text_limits import CHECKED_APPS, refuse_too_long

        install_empty_label()
        # Every save of a product model (history rows included) is checked for texts over their maximum.
        for model in apps.get_models():
            if model._meta.app_label in CHECKED_APPS:
                pre_save.connect(refuse_too_long, sender=model, dispatch_uid=f"text_limits:{model._meta.label}")
