from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self) -> None:
        # Register the component providers and grade constraints this app ships; the training's and discipline's
        # are read here (components_training — registered first, where the training app's ready used to put
        # them —, constraints_discipline, services.derive), and the leave records of org (constraints_leave);
        # who may be picked on its forms (pickers, org/pickers.py); its lines and panels on the home page
        # (org.home). The fact apps import nothing of this app (DESIGN §3, tests/test_layers.py).
        import appraisal.components_training  # noqa: F401
        from appraisal import (  # noqa: F401
            components_builtin,
            components_checkup,
            constraints_builtin,
            constraints_category,
            constraints_discipline,
            constraints_leave,
            constraints_quarterly,
            home_panels_quarterly,
            home_todo,
            pickers,
        )
        from appraisal.selectors.periods import frozen_period_keys
        from appraisal.services.consequences import fact_changed
        from appraisal.services.derive_training import criticism_record
        from org.facts import fact_changed as fact_changed_signal
        from org.facts import register_frozen_periods
        from training.signals import criticism_confirmed

        # A changed fact moves the ledger, the flags and the scores at once (issue 15); a fact app asks which
        # periods are closed to warn that a change no longer moves their scores.
        fact_changed_signal.connect(fact_changed, dispatch_uid="appraisal.facts_follow")
        register_frozen_periods(frozen_period_keys)
        # A head confirming a public criticism in the training app: the −2 goes into the ledger here.
        criticism_confirmed.connect(criticism_record, dispatch_uid="appraisal.training_criticism")
