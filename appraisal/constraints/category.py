"""Who takes part in the annual appraisal, by personnel category (a local decision; shared/rules.md is silent on 编外).

公务员 and 参照公务员法管理 staff are appraised under the civil-service rules, 事业单位 staff under their own
(事业单位工作人员考核规定); no national rule covers 编外 (non-establishment) staff, whose appraisal, where there is
one, follows their contract and the employing unit's own rules. So by default they are left out of the annual
appraisal: ``APPRAISAL_APPRAISED_CATEGORIES`` lists the categories that take part, and an official of any other
category is 不参加考核 with the reason shown. A county that appraises its 编外 staff adds ``non_establishment``.

One query for the whole year, whatever the number of officials.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from appraisal.constraints import GradeConstraint, grade_constraint_provider
from appraisal.models import Grade
from org.models import Official, PersonnelCategory

DEFAULT_APPRAISED_CATEGORIES = (PersonnelCategory.CIVIL_SERVANT, PersonnelCategory.MANAGED_AS_CIVIL_SERVANT,
                                PersonnelCategory.INSTITUTION)


def appraised_categories() -> list[str]:
    """Return the personnel categories that take part in the annual appraisal (setting, else the default)."""
    configured = getattr(settings, "APPRAISAL_APPRAISED_CATEGORIES", None)
    return [str(c) for c in (DEFAULT_APPRAISED_CATEGORIES if configured is None else configured)]


@grade_constraint_provider
def categories_not_appraised(year: int, official_ids: Collection[int] | None) -> Iterator[GradeConstraint]:
    """Yield 不参加考核 for the officials whose personnel category does not take part in the annual appraisal."""
    qs = Official.objects.exclude(personnel_category__in=appraised_categories())
    if official_ids is not None:
        qs = qs.filter(pk__in=list(official_ids))
    labels = dict(PersonnelCategory.choices)
    for official_id, category in qs.order_by("id").values_list("id", "personnel_category"):
        yield GradeConstraint(
            official_id=official_id, max_grade=Grade.NOT_APPRAISED, source="category",
            reason=_("%(category)s: not in the annual appraisal under this county's rules")
            % {"category": labels.get(category, category)})
