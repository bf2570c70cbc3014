"""API of the appraisal app: each area module registers its viewsets on the project's router."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from appraisal.api import annual, checkup, grades, quarterly, scores

    for module in (scores, checkup, grades, annual, quarterly):
        module.register(router)
