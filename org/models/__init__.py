"""Models of the org app, one module per topic: the unit tree (``units``), users and their role grants
(``users``), officials and their posts (``officials``), the working-day calendar (``calendar``) and leave
(``leave``). Every model is re-exported here, so ``from org.models import X`` names any of them."""

from org.models.calendar import CalendarDay
from org.models.leave import LeaveKind, LeaveRecord
from org.models.officials import (
    QUALIFIED_GRADE_CATEGORIES,
    Gender,
    Official,
    PersonnelCategory,
    PostAssignment,
    PostKind,
    RankLevel,
    RosterImport,
    StaffingType,
    rotation_cutoff,
)
from org.models.units import OrgUnit, UnitCategory, UnitKind
from org.models.users import Role, RoleGrant, User

__all__ = [
    "QUALIFIED_GRADE_CATEGORIES", "CalendarDay", "Gender", "LeaveKind", "LeaveRecord", "Official", "OrgUnit",
    "PersonnelCategory", "PostAssignment", "PostKind", "RankLevel", "Role", "RoleGrant", "RosterImport",
    "StaffingType", "UnitCategory", "UnitKind", "User", "rotation_cutoff",
]
