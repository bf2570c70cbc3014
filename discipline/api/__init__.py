"""The discipline API (``/api/v1/cases/`` and its siblings), scoped like the pages."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Register the discipline endpoints on the project's router."""
    from discipline.api import viewsets

    router.register("discipline-rules", viewsets.RuleViewSet, basename="discipline-rule")
    router.register("decision-kinds", viewsets.KindViewSet, basename="decision-kind")
    router.register("cases", viewsets.CaseViewSet, basename="case")
    router.register("decisions", viewsets.DecisionViewSet, basename="decision")
    router.register("tolerance-requests", viewsets.ToleranceViewSet, basename="tolerance-request")
    router.register("appeals", viewsets.AppealViewSet, basename="appeal")
    router.register("talks", viewsets.TalkViewSet, basename="talk")
