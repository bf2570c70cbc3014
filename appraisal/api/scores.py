from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Register this area's viewsets (filled in as the area is built)."""
