"""One fact, one consequence: each fact that moves a score is counted in exactly one place.

A component measures how an official keeps a recurring duty over the period (a ratio); the ledger records
single events and measures (points under a rule). A fact is never both: a report submitted late lowers the
timeliness component and is not also a −1 row, a task done late lowers the work component and is not also a
−1 row. Components declare the facts they count (``component_provider(..., facts=...)``); the derivations
declare theirs (``RULE_FACTS`` in ``appraisal.services.derive`` and ``appraisal.services.derive_training``);
manual rules are events a head records with a reason. ``fact_places`` puts them side by side, and a test keeps
every fact in one place. The README's "Where each fact counts" table is this one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FACTS = {
    "task_completion": _("A task done by its deadline, late, or not at all"),
    "report_rating": _("The rating of an approved monthly report"),
    "report_timeliness": _("A monthly report submitted on time, late, or not at all"),
    "checkup_result": _("The result of the quarterly check-up"),
    "training_hours": _("Training hours credited against the year's target"),
    "study_absence": _("An unexcused absence from a required collective study"),
    "lecture_given": _("A training session given as a lecturer"),
    "letter_reply_deadline": _("A supervision letter not replied to by its deadline"),
    "discipline_decision": _("A discipline or accountability decision with points"),
}


def fact_places() -> dict[str, list[str]]:
    """Return ``{fact: the places that count it}``, a place being ``component:<code>`` or ``rule:<code>``."""
    import appraisal.components.builtin  # registers the providers
    import appraisal.components.checkup
    import appraisal.components.training  # noqa: F401
    from appraisal.components import component_facts
    from appraisal.services.derive import RULE_FACTS
    from appraisal.services.derive_training import RULE_FACTS as TRAINING_RULE_FACTS

    places: dict[str, list[str]] = {fact: [] for fact in FACTS}
    for code, facts in sorted(component_facts().items()):
        for fact in facts:
            places.setdefault(fact, []).append(f"component:{code}")
    for code, fact in sorted({**RULE_FACTS, **TRAINING_RULE_FACTS}.items()):
        places.setdefault(fact, []).append(f"rule:{code}")
    return places
