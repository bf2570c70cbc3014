"""Reads of the org app, one module per topic (writes are in ``services``).

``scope`` is the app's public read API — what a user may see, and the scoping function of units and officials
that every app builds on — so it is re-exported here: ``from org.selectors import access_for``. The other
topics are imported by their module: ``roster`` (the roster pages), ``leave`` (leave records) and ``posts``
(where officials worked during a span).
"""

from org.selectors.scope import (
    ALL_ROLES,
    Access,
    Grant,
    access_for,
    ancestor_paths,
    in_subtrees_q,
    officials_by_staff_number,
    officials_visible_to,
    require_role,
    subtree_q,
    unit_subtree,
    units_by_code,
    units_visible_to,
    unknown_official_message,
    unknown_unit_message,
    users_with_role_over,
)

__all__ = [
    "ALL_ROLES",
    "Access",
    "Grant",
    "access_for",
    "ancestor_paths",
    "in_subtrees_q",
    "officials_by_staff_number",
    "officials_visible_to",
    "require_role",
    "subtree_q",
    "unit_subtree",
    "units_by_code",
    "units_visible_to",
    "unknown_official_message",
    "unknown_unit_message",
    "users_with_role_over",
]
