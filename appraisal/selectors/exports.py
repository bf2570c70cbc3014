"""Reads of the register exports: the register's scorecards, grades and per-unit figures, the export jobs a user may
see, and how a finished export is downloaded (its name, suffix and type). Writing and running them is in
``appraisal.services.exports``."""

from __future__ import annotations

import re
from collections import Counter

from django.db.models import Avg, Count, Max, Min, Q, QuerySet
from django.utils.translation import gettext as _

from appraisal.excel.register import GradeInfo, UnitSummary
from appraisal.models import AppraisalPeriod, ExportJob, GradeDecision, PeriodKind, Scorecard
from org.models import OrgUnit, User
from org.selectors import access_for, subtree_q, units_visible_to

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"
UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _scope_q(paths: list[str]) -> Q:
    return subtree_q(paths, "unit__") | subtree_q(paths, "official__unit__")


def register_scorecards(
    *, period: AppraisalPeriod, unit: OrgUnit | None = None, by: User | None = None,
) -> QuerySet[Scorecard]:
    """Return the register's scorecards in order: unit, rank in unit, name. ``by=None`` means everything."""
    qs = Scorecard.objects.filter(period=period)
    if unit is not None:
        qs = qs.filter(_scope_q([unit.path]))
    if by is not None:
        access = access_for(by)
        if not access.is_superuser:
            qs = qs.filter(_scope_q(access.paths(("org",))))
    return qs


def register_grades(period: AppraisalPeriod, cards: QuerySet[Scorecard]) -> dict[int, GradeInfo]:
    if period.kind != PeriodKind.YEAR:
        return {}
    rows = GradeDecision.objects.filter(period=period, official_id__in=cards.values("official_id")).values_list(
        "official_id", "final", "proposed", "confirmed_at", "constraints", "override_reason",
        "official__personnel_category")
    grades: dict[int, GradeInfo] = {}
    for official_id, final, proposed, confirmed_at, constraints, override_reason, category in rows:
        reasons = [c.get("reason", "") for c in constraints or [] if c.get("reason")]
        if override_reason:
            reasons.append(override_reason)
        grades[official_id] = GradeInfo(grade=final or proposed, confirmed=confirmed_at is not None,
                                        reasons=reasons, category=category)
    return grades


def register_summaries(period: AppraisalPeriod, cards: QuerySet[Scorecard], grades: dict[int, GradeInfo],
               unit_of: dict[int, int]) -> list[UnitSummary]:
    figures = (cards.order_by().values("unit_id", "unit__name", "unit__path")
               .annotate(n=Count("id"), average=Avg("total"), low=Min("total"), high=Max("total"))
               .order_by("unit__path"))
    counts: dict[int, Counter[str]] = {}
    for official_id, info in grades.items():
        unit_id = unit_of.get(official_id)
        if unit_id is not None:
            counts.setdefault(unit_id, Counter())[info.grade] += 1
    summaries = [
        UnitSummary(name=row["unit__name"], headcount=row["n"], average=row["average"], minimum=row["low"],
                    maximum=row["high"], grades=dict(counts.get(row["unit_id"], {})))
        for row in figures
    ]
    total = Counter[str]()
    for c in counts.values():
        total.update(c)
    everything = cards.order_by().aggregate(n=Count("id"), average=Avg("total"), low=Min("total"), high=Max("total"))
    summaries.append(UnitSummary(name=_("All units"), headcount=everything["n"], average=everything["average"],
                                 minimum=everything["low"], maximum=everything["high"], grades=dict(total)))
    return summaries


def exports_visible_to(user: User) -> QuerySet[ExportJob]:
    """Return the export jobs a user may see: their own, and (org department) those of units in scope."""
    qs = ExportJob.objects.select_related("period", "unit", "created_by")
    access = access_for(user)
    if access.is_superuser:
        return qs
    return qs.filter(Q(created_by=user) | subtree_q(access.paths(("org",)), "unit__"))


def export_rows(user: User) -> QuerySet[ExportJob]:
    """Return the exports page's jobs, newest first, with who started them."""
    return exports_visible_to(user).select_related("created_by__official").order_by("-created_at", "-pk")


def export_units(user: User) -> QuerySet[OrgUnit]:
    """Return the active units the user may export (their organization-department scope)."""
    return units_visible_to(user, roles=["org"]).filter(is_active=True)


def export_periods() -> QuerySet[AppraisalPeriod]:
    """Return the periods an export may be of, newest first."""
    return AppraisalPeriod.objects.order_by("-start", "kind")


def export_suffix(job: ExportJob) -> str:
    """``.zip`` for the forms of a whole scope (one workbook per unit), ``.xlsx`` otherwise."""
    return ".zip" if job.kind == ExportJob.Kind.FORMS and job.unit_id is None else ".xlsx"


def export_content_type(job: ExportJob) -> str:
    return ZIP_TYPE if export_suffix(job) == ".zip" else XLSX_TYPE


def export_filename(job: ExportJob) -> str:
    """The Chinese name a finished export is downloaded under."""
    if job.kind == ExportJob.Kind.FORMS:
        if job.unit is not None:
            return forms_file_name(job.unit.name, job.period.key)
        return _("%(year)s annual appraisal registration forms (all units).zip") % {"year": job.period.key}
    scope = job.unit.name if job.unit else _("all units")
    return _("Appraisal register %(period)s %(scope)s.xlsx") % {"period": job.period.key, "scope": scope}


def safe_file_name(text: str) -> str:
    return UNSAFE_FILE_CHARS.sub("_", text).strip() or "_"


def forms_file_name(unit_name: str, year: str) -> str:
    """``文化和旅游局-2025年度考核登记表.xlsx``."""
    return _("%(unit)s-%(year)s annual appraisal registration forms.xlsx") % {
        "unit": safe_file_name(unit_name), "year": year}
