"""The discipline API (``/api/v1/cases/`` and its siblings), scoped like the pages: each area module registers
its viewsets on the project's router."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Register the discipline endpoints on the project's router."""
    from discipline.api import appeals, cases, catalogue, decisions, talks, tolerance

    for module in (catalogue, cases, decisions, tolerance, appeals, talks):
        module.register(router)
