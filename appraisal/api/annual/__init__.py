"""API of the annual procedure (issue 12), scoped like its pages and written through the same services: anything
outside the caller's scope answers 404; an action out of order answers 400 with a machine-readable ``code``
(``wrong_stage``, ``deadline_passed``, ``invalid_transition``, …) and a Chinese ``message``.

- ``annual-procedures/`` — a unit's year and its stage, with the actions that move it on (``procedures``);
- ``annual-summaries/`` — the 个人总结 (``procedures``);
- ``public-notices/``, ``objections/`` — the 公示 and its 异议 (``notices``);
- ``grade-notices/``, ``grade-reviews/``, ``grade-appeals/`` — 书面通知, 复核, 申诉 (``verdicts``).

The 评语 is written on the grade itself: ``POST /api/v1/grades/{id}/comment/`` (``appraisal.api.grades``).
"""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from appraisal.api.annual import notices, procedures, verdicts

    router.register("annual-procedures", procedures.ProcedureViewSet, basename="annual-procedure")
    router.register("annual-summaries", procedures.SummaryViewSet, basename="annual-summary")
    router.register("public-notices", notices.PublicNoticeViewSet, basename="public-notice")
    router.register("objections", notices.ObjectionViewSet, basename="objection")
    router.register("grade-notices", verdicts.GradeNoticeViewSet, basename="grade-notice")
    router.register("grade-reviews", verdicts.ReviewViewSet, basename="grade-review")
    router.register("grade-appeals", verdicts.AppealViewSet, basename="grade-appeal")
