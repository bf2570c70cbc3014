"""What the home page shows, contributed by the apps above ``org`` without ``org`` importing them.

``org`` is at the bottom of the layers. An app registers its providers here in its ``AppConfig.ready``:

- **To-do items** (待办, ``home_todo``): for one role, a provider returns the items it has for the user — a label,
  a count and how many of them are late, and the link to the list that shows exactly those (the same scoping
  selector and filter as the list). The page groups them in one block per role the user holds, in ``order``.
- **Panels** (``home_panel``): a template and its context, for news that is not a task (a newly confirmed grade).

Every provider costs a fixed number of queries, however much data there is (pinned by the tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from org.models import User
from org.selectors import access_for

Panel = tuple[str, dict[str, Any]]
PanelProvider = Callable[[User], Panel | None]
_PANEL_PROVIDERS: list[PanelProvider] = []


def home_panel(function: PanelProvider) -> PanelProvider:
    """Register a provider of a home-page panel."""
    if function not in _PANEL_PROVIDERS:
        _PANEL_PROVIDERS.append(function)
    return function


def panels_for(user: User) -> list[Panel]:
    """Return the panels every registered provider has for the user, in registration order."""
    return [panel for provider in _PANEL_PROVIDERS if (panel := provider(user)) is not None]


# -- to-do items ------------------------------------------------------------------------------------------------

# The roles a block is shown for: ``staff`` is anyone linked to an official (their own work), the others are the
# role grants of ``org.models.Role``. Blocks appear in this order: the work one does for others first.
STAFF = "staff"
ROLE_BLOCKS: dict[str, Promise] = {
    "head": _("As head of unit"),
    "org": _("Organization department"),
    "discipline": _("Discipline inspection"),
    STAFF: _("My own work"),
}


@dataclass(frozen=True)
class TodoItem:
    """One line of a block: what is to do, how many, how many of them late, and where the list of them is.

    ``count`` is None for a line that states something rather than counts it (this month's report, my latest
    score); such a line asks for action when ``actionable``. A counted line asks for action when the count is
    above zero. ``url`` shows exactly the counted records; ``late_url`` exactly the late ones.
    """

    key: str
    label: str
    url: str = ""
    count: int | None = None
    late: int = 0
    late_url: str = ""
    late_label: str = ""
    note: str = ""
    tone: str = ""  # "danger", "warning", "success" or "" (Bootstrap colours)
    actionable: bool = False

    @property
    def to_do(self) -> bool:
        return self.count > 0 if self.count is not None else self.actionable


@dataclass
class TodoBlock:
    role: str
    title: str
    items: list[TodoItem] = field(default_factory=list)

    @property
    def open_items(self) -> int:
        return sum(1 for item in self.items if item.to_do)


TodoProvider = Callable[[User], list[TodoItem]]


@dataclass(frozen=True)
class _Registered:
    role: str
    order: int  # within the role's block
    provider: TodoProvider


_TODO_PROVIDERS: list[_Registered] = []  # in the order the page shows them


def home_todo(role: str, *, order: int) -> Callable[[TodoProvider], TodoProvider]:
    """Register a provider of to-do items for the users holding ``role`` (``order`` places them in the block)."""
    if role not in ROLE_BLOCKS:
        raise ValueError(f"unknown role {role!r}")

    def register(function: TodoProvider) -> TodoProvider:
        if all(entry.provider is not function for entry in _TODO_PROVIDERS):
            _TODO_PROVIDERS.append(_Registered(role, order, function))
            _TODO_PROVIDERS.sort(key=lambda entry: (list(ROLE_BLOCKS).index(entry.role), entry.order))
        return function

    return register


def todo_providers() -> list[tuple[str, TodoProvider]]:
    """Every registered provider with the role whose block it fills, in the order the page shows them."""
    return [(entry.role, entry.provider) for entry in _TODO_PROVIDERS]


def roles_on_home(user: User) -> list[str]:
    """The blocks the user sees: one per role they hold, and their own work when they are an official."""
    access = access_for(user)
    roles = [role for role in ROLE_BLOCKS if role != STAFF and access.has_role(role)]
    if access.official_id is not None:
        roles.append(STAFF)
    return roles


def todos_for(user: User) -> list[TodoBlock]:
    """Return the user's blocks, each with the items of its providers (a block with no item is left out)."""
    roles = roles_on_home(user)
    blocks = {role: TodoBlock(role=role, title=str(ROLE_BLOCKS[role])) for role in roles}
    for role, provider in todo_providers():
        if role in blocks:
            blocks[role].items.extend(provider(user))
    return [block for block in blocks.values() if block.items]
