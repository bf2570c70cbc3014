"""Panels on the home page that apps above ``org`` contribute (the 公示 running in one's unit, say).

``org`` is at the bottom of the layers and imports no app above it; an app registers a panel provider here in its
``AppConfig.ready`` instead. A provider takes the user and returns ``(template name, context)`` to include, or
``None`` when it has nothing to show; it should cost a query or two at most.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from org.models import User

Panel = tuple[str, dict[str, Any]]
PanelProvider = Callable[[User], Panel | None]
_PROVIDERS: list[PanelProvider] = []


def home_panel(function: PanelProvider) -> PanelProvider:
    """Register a provider of a home-page panel."""
    if function not in _PROVIDERS:
        _PROVIDERS.append(function)
    return function


def panels_for(user: User) -> list[Panel]:
    """Return the panels every registered provider has for the user, in registration order."""
    return [panel for provider in _PROVIDERS if (panel := provider(user)) is not None]
