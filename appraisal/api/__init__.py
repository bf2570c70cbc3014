"""API of the appraisal app: one module of viewsets per area, each registering them on the project's router, with
its serializers beside it in ``serializers_<area>.py`` (``fields`` and ``_common`` hold the pieces they share).

- ``scores`` — periods, the rule catalogue, scorecards and the score ledger;
- ``checkup`` — the quarterly check-up's rounds, rater assignments and results;
- ``quarterly`` — the quarterly grades (平时考核);
- ``grades`` — the annual grades (with the 评语: ``POST grades/{id}/comment/``) and the register exports;
- the annual procedure (issue 12), scoped like its pages and written through the same services: ``procedures``
  (a unit's year and its stage, the 个人总结), ``notices`` (the 公示 and its 异议) and ``verdicts`` (书面通知,
  复核, 申诉). Anything outside the caller's scope answers 404; an action out of order answers 400 with a
  machine-readable ``code`` (``wrong_stage``, ``deadline_passed``, ``invalid_transition``, …) and a Chinese
  ``message``.
"""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from appraisal.api import checkup, grades, notices, procedures, quarterly, scores, verdicts

    for module in (scores, checkup, grades, procedures, notices, verdicts, quarterly):
        module.register(router)
