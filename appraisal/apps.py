from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self) -> None:
        # Register the component providers and grade constraints this app ships (the order does not matter: the
        # rollup sorts the providers by code); the training's and discipline's facts are read here
        # (components.training, constraints.discipline, services.derive), and the leave records of org
        # (constraints.leave); who may be picked on its forms (pickers, org/pickers.py); its lines and panels on
        # the home page (org.home). The fact apps import nothing of this app (DESIGN §3, tests/test_layers.py).
        import appraisal.components.builtin
        import appraisal.components.checkup
        import appraisal.components.training
        import appraisal.constraints.builtin
        import appraisal.constraints.category
        import appraisal.constraints.discipline
        import appraisal.constraints.leave
        import appraisal.constraints.quarterly
        import appraisal.home_panels
        import appraisal.home_todo
        import appraisal.pickers  # noqa: F401
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
