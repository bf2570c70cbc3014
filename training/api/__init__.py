"""API of the training app: each area module registers its viewsets on the project's router."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from training.api import external, sessions

    for module in (sessions, external):
        module.register(router)
