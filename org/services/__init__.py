"""Business actions of the org app (writes). Reads live in ``org.selectors``."""

from org.services.roster import RosterResult, roster_import
from org.services.structure import official_assign_post, role_grant, unit_create

__all__ = ["RosterResult", "official_assign_post", "role_grant", "roster_import", "unit_create"]
