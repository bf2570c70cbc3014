"""API of the org app: each area module registers its viewsets on the project's router."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from org.api import calendar, leave, officials

    for module in (officials, calendar, leave):
        module.register(router)
