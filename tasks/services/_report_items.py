"""The result rows of a monthly report as posted (the page's parallel lists, the API's list): checked before
``report_save`` writes anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from common.errors import ApplicationError
from common.filters import as_id
from common.text_limits import limit_of, too_long
from org.models import User
from tasks.models import MonthlyReportItem
from tasks.selectors.tasks import tasks_visible_to

MAX_ITEMS = 50
INDICATOR_MAX = MonthlyReportItem._meta.get_field("indicator").max_length or 200


@dataclass(frozen=True)
class ItemInput:
    content: str
    indicator: str
    task_id: int | None


def clean_items(items: list[dict[str, Any]], *, by: User) -> list[ItemInput]:
    """Validate item rows; drop wholly blank rows; raise with the row number on the first bad one."""
    rows: list[ItemInput] = []
    for number, raw in enumerate(items, start=1):
        content = str(raw.get("content") or "").strip()
        indicator = str(raw.get("indicator") or "").strip()
        task_value = raw.get("task_id", raw.get("task"))
        task_id: int | None
        if task_value in (None, ""):
            task_id = None
        else:
            task_id = as_id(task_value)  # not int(): a number past the database's ids answered 500
            if task_id is None:
                raise ApplicationError(
                    _("Item %(n)s: the linked task is not valid.") % {"n": number}, code="invalid_item",
                    extra={"row": number},
                )
        if not content and not indicator and task_id is None:
            continue  # an empty row the form added: nothing typed, nothing to keep
        if not content:
            raise ApplicationError(
                _("Item %(n)s: describe the result.") % {"n": number}, code="invalid_item", extra={"row": number}
            )
        problem = too_long(content, limit_of(MonthlyReportItem, "content"))
        if problem:
            raise ApplicationError(_("Item %(n)s, the result: %(problem)s") % {"n": number, "problem": problem},
                                   code="too_long", extra={"row": number})
        if len(indicator) > INDICATOR_MAX:
            raise ApplicationError(
                _("Item %(n)s: the indicator is too long (at most %(max)s characters).")
                % {"n": number, "max": INDICATOR_MAX}, code="invalid_item", extra={"row": number},
            )
        rows.append(ItemInput(content=content, indicator=indicator, task_id=task_id))
    if len(rows) > MAX_ITEMS:
        raise ApplicationError(_("A report may have at most %(n)s items.") % {"n": MAX_ITEMS}, code="too_many_items")
    task_ids = {r.task_id for r in rows if r.task_id is not None}
    if task_ids:
        visible = set(tasks_visible_to(by).filter(pk__in=task_ids).values_list("pk", flat=True))
        for number, row in enumerate(rows, start=1):
            if row.task_id is not None and row.task_id not in visible:
                raise ApplicationError(
                    _("Item %(n)s: the linked task is not valid.") % {"n": number}, code="invalid_item",
                    extra={"row": number},
                )
    return rows
