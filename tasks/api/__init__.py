"""API of the tasks app: each area module registers its viewsets on the project's router."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from tasks.api import letters, reports, tasks

    for module in (tasks, reports, letters):
        module.register(router)
