"""Reads of the annual appraisal registration forms (年度考核登记表): the grades an export holds, and the forms
themselves — streamed in order for a whole scope, or one official's for the page. Set-based and streaming, whatever
the number of officials: three queries read with ``iterator()`` in the same order (``GRADE_ORDER``) and matched in
one pass (``_Follower``). Writing them to workbooks is in ``appraisal.services.registration``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from appraisal.display.registration import (
    GRADE_FIELDS,
    GRADE_ORDER,
    NOTICE_FIELDS,
    SUMMARY_FIELDS,
    FormLabels,
    RegistrationEntry,
    entry_from,
)
from appraisal.models import AnnualSummary, AppraisalPeriod, GradeDecision, GradeNotice
from org.models import OrgUnit, User
from org.selectors import access_for, subtree_q

CHUNK = 500


def _in_paths(paths: list[str]) -> Q:
    return subtree_q(paths, "unit__") | subtree_q(paths, "official__unit__")


def forms_grades(*, period: AppraisalPeriod, unit: OrgUnit | None = None, by: User | None = None,
                 ) -> QuerySet[GradeDecision]:
    """Return the grades whose forms an export holds: the year's, in ``unit``'s subtree (the grade's top-level
    unit or the official's own unit), within ``by``'s organization-department scope (``None``: everything)."""
    qs = GradeDecision.objects.filter(period=period)
    if unit is not None:
        qs = qs.filter(_in_paths([unit.path]))
    if by is not None:
        access = access_for(by)
        if not access.is_superuser:
            qs = qs.filter(_in_paths(access.paths(("org",))))
    return qs


def _summaries(period: AppraisalPeriod, grades: QuerySet[GradeDecision]) -> QuerySet[AnnualSummary]:
    """The summaries of the grades' officials in the procedure of their grade's unit, in the grades' order."""
    same_grade = grades.filter(official_id=OuterRef("official_id"), unit_id=OuterRef("procedure__unit_id"))
    return (AnnualSummary.objects.filter(procedure__period=period).filter(Exists(same_grade))
            .order_by("procedure__unit__path", "official__unit__path", "official__rank_level", "official_id"))


def _notices(grades: QuerySet[GradeDecision]) -> QuerySet[GradeNotice]:
    """The current written notice of each grade (the newest first, should there be two), in the grades' order."""
    return (GradeNotice.objects.filter(is_current=True, grade__in=grades.values("pk"))
            .order_by("grade__unit__path", "grade__official__unit__path", "grade__official__rank_level",
                      "grade__official_id", "-issued_at", "-id"))


def _key(row: Mapping[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(row[name] for name in names)


class _Follower:
    """Walk rows sorted by the same key as the grades, handing out the first row of each key as the grades pass
    it (rows of keys the grades never reach are skipped). The key (two paths, a rank code, an id) compares the
    same in Python as in the database."""

    def __init__(self, rows: Iterator[dict[str, Any]], names: tuple[str, ...]) -> None:
        self.rows, self.names = rows, names
        self.head = next(self.rows, None)

    def close(self) -> None:
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()

    def take(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        found = None
        while self.head is not None:
            head_key = _key(self.head, *self.names)
            if head_key > key:
                break
            if head_key == key and found is None:
                found = self.head
            self.head = next(self.rows, None)
        return found


SUMMARY_KEY = ("procedure__unit__path", "official__unit__path", "official__rank_level", "official_id")
NOTICE_KEY = ("grade__unit__path", "grade__official__unit__path", "grade__official__rank_level",
              "grade__official_id")


def registration_entries(grades: QuerySet[GradeDecision], period: AppraisalPeriod) -> Iterator[RegistrationEntry]:
    """Yield the forms of ``grades`` in order (three streamed queries, whatever their number)."""
    labels = FormLabels.current()
    rows: Iterator[dict[str, Any]] = grades.order_by(*GRADE_ORDER).values(*GRADE_FIELDS).iterator(chunk_size=CHUNK)
    summaries = _Follower(_summaries(period, grades).values(*SUMMARY_FIELDS, *SUMMARY_KEY[:3])
                          .iterator(chunk_size=CHUNK), SUMMARY_KEY)
    notices = _Follower(_notices(grades).values(*NOTICE_FIELDS, *NOTICE_KEY).iterator(chunk_size=CHUNK),
                        NOTICE_KEY)
    try:
        for row in rows:
            key = _key(row, *GRADE_ORDER)
            yield entry_from(row, summaries.take(key), notices.take(key), labels)
    finally:  # end the cursors now, also when the writing stopped half-way
        summaries.close()
        notices.close()


def registration_entry_for(*, grades: QuerySet[GradeDecision], grade_id: int) -> RegistrationEntry | None:
    """Return one official's form from a scoped queryset of grades (``None`` when it is not there): four
    queries."""
    row = grades.filter(pk=grade_id).values(*GRADE_FIELDS).first()
    if row is None:
        return None
    summary = (AnnualSummary.objects.filter(procedure__period_id=row["period_id"], procedure__unit_id=row["unit_id"],
                                            official_id=row["official_id"])
               .values(*SUMMARY_FIELDS).first())
    notice = (GradeNotice.objects.filter(grade_id=grade_id, is_current=True).order_by("-issued_at", "-id")
              .values(*NOTICE_FIELDS).first())
    return entry_from(row, summary, notice, FormLabels.current())
