"""The floor of ``bench_rollup_floor.py``: ONE ``INSERT … SELECT … ON CONFLICT`` statement computing everything a
scorecard is made of from the same facts and ledger as the rollup, and the parameters it reads before the clock
starts. Import it after ``django.setup()`` (the bench script does)."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from appraisal.components import PeriodWindow, registered_providers
from appraisal.components.builtin import constants
from appraisal.models import AppraisalPeriod, Component, PeriodKind
from appraisal.scoring.parameters import parameters_for
from appraisal.selectors.rollup import rule_caps as _caps
from appraisal.selectors.rollup import scheme_weights as _weights
from appraisal.selectors.transfers import transfer_graded_by
from appraisal.services.rollup_scores import Schemes as _Schemes
from org.models import OrgUnit, PostKind, RankLevel
from org.selectors.posts import GRADED_BY_LONGEST
from tasks.models import ReportRating, ReportStatus, TaskStatus
from training.models import DEFAULT_HOUR_TARGETS, ExternalStatus
from training.selectors.progress import elapsed_fraction, hour_targets, year_bounds

SCRATCH = "bench_floor_scorecard"
PROVIDED = ("work", "timeliness", "evaluation", "training")  # the component providers the statement computes
COMPARED = ["name", "unit_id", "category_id", "rank_level", "component_total", "bonus", "deduction", "ledger_total",
            "total", "rank_in_unit", "rank_in_category", "is_provisional"]


def he4(x: str) -> str:
    """SQL rounding a non-negative numeric to 4 places, ties to even — ``Decimal.quantize``'s default, which the
    providers use (PostgreSQL's ``round`` sends ties away from zero)."""
    scaled = f"(({x}) * 10000)"
    return (f"(CASE WHEN {scaled} - trunc({scaled}) = 0.5 AND mod(trunc({scaled}), 2) = 0 "
            f"THEN trunc({scaled}) / 10000 ELSE round({x}, 4) END)")


FLOOR_SQL = f"""
WITH
caps AS (SELECT * FROM jsonb_to_recordset(%(caps)s::jsonb) AS c(rule_id bigint, cap numeric)),
-- The unit of each official for the period (appraisal.selectors.transfers, org.selectors.posts): for who was in
-- another unit than their present one during it, the unit of the most days (a tie: the later one) — for a year under
-- the rules (第26条) the unit at its end, unless a secondment was involved.
moved AS (
    SELECT DISTINCT p.official_id FROM org_postassignment p JOIN org_official o ON o.id = p.official_id
    WHERE p.start_date <= %(end)s AND p.end_date IS NOT NULL AND p.end_date > %(start)s AND p.unit_id <> o.unit_id),
posts AS (
    SELECT p.official_id, p.kind, p.start_date, p.id,
           CASE WHEN p.end_date IS NULL THEN o.unit_id ELSE p.unit_id END AS unit_id,
           greatest(p.start_date, %(start)s::date) AS first_day,
           least(coalesce(p.end_date - 1, %(end)s::date), %(end)s::date) AS last_day
    FROM org_postassignment p JOIN org_official o ON o.id = p.official_id
    WHERE p.official_id IN (SELECT official_id FROM moved)
      AND p.start_date <= %(end)s AND (p.end_date IS NULL OR p.end_date > %(start)s)),
spells AS (
    SELECT *, row_number() OVER w AS n,
           (lag(unit_id) OVER w IS DISTINCT FROM unit_id OR lag(last_day) OVER w < first_day - 1) AS begins
    FROM posts WHERE last_day >= first_day
    WINDOW w AS (PARTITION BY official_id ORDER BY start_date, id)),
per_unit AS (
    SELECT official_id, unit_id, sum(last_day - first_day + 1) AS days, max(n) AS latest
    FROM spells GROUP BY official_id, unit_id),
longest AS (
    SELECT DISTINCT ON (official_id) official_id, unit_id FROM per_unit
    ORDER BY official_id, days DESC, latest DESC),
last_unit AS (SELECT DISTINCT ON (official_id) official_id, unit_id FROM spells ORDER BY official_id, n DESC),
seconded AS (SELECT DISTINCT official_id FROM spells WHERE begins AND kind = %(secondment)s),
placed AS (
    SELECT l.official_id,
           CASE WHEN %(by_longest)s OR s.official_id IS NOT NULL THEN g.unit_id ELSE l.unit_id END AS unit_id
    FROM last_unit l JOIN longest g USING (official_id) LEFT JOIN seconded s USING (official_id)),
officials AS (
    SELECT o.id, o.name, o.rank_level, t.id AS top_id, t.category_id
    FROM org_official o
    LEFT JOIN placed pl ON pl.official_id = o.id
    JOIN org_orgunit u ON u.id = coalesce(pl.unit_id, o.unit_id)
    JOIN org_orgunit t ON t.path = left(u.path, %(top_chars)s) AND t.depth <= 2
    WHERE o.is_active),
-- WORK: task completion (weighted; on time, late) and report quality (ratings), 0.6/0.4 when both.
task_part AS (
    SELECT responsible_id AS official_id, sum(weight) AS w,
           coalesce(sum(weight) FILTER (WHERE status = %(completed)s AND completed_on <= deadline), 0) AS w_on,
           coalesce(sum(weight) FILTER (WHERE status = %(completed)s AND completed_on > deadline), 0) AS w_late
    FROM tasks_task WHERE deadline >= %(start)s AND deadline <= %(end)s AND status <> %(cancelled)s
    GROUP BY responsible_id),
task_ratio AS (
    SELECT official_id,
           CASE WHEN coalesce(w, 0) <> 0 THEN {he4("(%(w_on)s * w_on + %(w_late)s * w_late) / w")} ELSE 0 END AS ratio
    FROM task_part),
quality_ratio AS (
    SELECT official_id,
           {he4("sum(CASE rating WHEN 'excellent' THEN %(r_excellent)s WHEN 'good' THEN %(r_good)s "
                "WHEN 'fair' THEN %(r_fair)s ELSE %(r_poor)s END) / count(*)")} AS ratio
    FROM tasks_monthlyreport
    WHERE month >= %(month_start)s AND month <= %(end)s AND status IN (%(approved)s, %(published)s)
      AND rating IN ('excellent', 'good', 'fair', 'poor')
    GROUP BY official_id),
work AS (
    SELECT coalesce(t.official_id, q.official_id) AS official_id,
           CASE WHEN t.official_id IS NOT NULL AND q.official_id IS NOT NULL
                THEN {he4("%(task_share)s * t.ratio + %(quality_share)s * q.ratio")}
                ELSE coalesce(t.ratio, q.ratio) END AS ratio
    FROM task_ratio t FULL JOIN quality_ratio q ON q.official_id = t.official_id),
-- TIMELINESS: reports due in the period, on time 1, late 0.5, missing 0.
timeliness_counts AS (
    SELECT official_id,
           count(*) FILTER (WHERE NOT is_late AND submitted_at IS NOT NULL
                            AND NOT (is_missing AND status IN (%(draft)s, %(returned)s))) AS on_time,
           count(*) FILTER (WHERE is_late) AS late,
           count(*) FILTER (WHERE NOT is_late AND is_missing AND status IN (%(draft)s, %(returned)s)) AS missing
    FROM tasks_monthlyreport WHERE month >= %(month_start)s AND month <= %(end)s GROUP BY official_id),
timeliness AS (
    SELECT official_id,
           {he4("(%(t_on)s * on_time + %(t_late)s * late + %(t_missing)s * missing)::numeric "
                "/ (on_time + late + missing)")} AS ratio
    FROM timeliness_counts WHERE on_time + late + missing > 0),
-- EVALUATION: the mean check-up score of the quarters within the period, over 100 (half up).
evaluation AS (
    SELECT c.official_id, round(least(greatest(sum(c.score) / (count(*) * 100), 0), 1), 4) AS ratio
    FROM appraisal_checkupresult c
    JOIN appraisal_checkupround r ON r.id = c.round_id JOIN appraisal_appraisalperiod p ON p.id = r.period_id
    WHERE c.score IS NOT NULL AND p.kind = 'quarter' AND p.start >= %(start)s AND p."end" <= %(end)s
      AND (%(incomplete_counts)s OR NOT c.is_incomplete)
    GROUP BY c.official_id),
-- TRAINING: hours of the year up to the period's end against the pro-rata target (at most 1).
attended AS (
    SELECT a.official_id, sum(a.hours) AS hours
    FROM training_attendance a JOIN training_trainingsession s ON s.id = a.session_id
    WHERE s.starts_at >= %(year_start)s AND s.starts_at < %(hours_until)s GROUP BY a.official_id),
external AS (
    SELECT official_id, sum(hours) AS hours FROM training_externaltraining
    WHERE status = %(ext_approved)s AND started_on >= %(year_first)s AND started_on <= %(end)s GROUP BY official_id),
training AS (
    SELECT o.id AS official_id,
           CASE WHEN o.prorata <= 0 THEN 1
                ELSE {he4("least(1, (coalesce(a.hours, 0) + coalesce(e.hours, 0)) / o.prorata)")} END AS ratio
    FROM (SELECT id, __PRORATA__ AS prorata FROM org_official WHERE is_active) o
    LEFT JOIN attended a ON a.official_id = o.id LEFT JOIN external e ON e.official_id = o.id
    WHERE o.prorata IS NOT NULL
      AND (EXISTS (SELECT 1 FROM training_trainingsession s
                   WHERE s.starts_at >= %(year_start)s AND s.starts_at < %(day_after_end)s)
           OR EXISTS (SELECT 1 FROM training_externaltraining x WHERE x.status = %(ext_approved)s
                      AND x.started_on >= %(year_first)s AND x.started_on <= %(end)s))),
-- Each official's scheme weights (the scheme resolved per unit category and rank level, written into the
-- statement as CASE expressions: a join with a recordset of schemes was planned from a guessed row count, as a
-- nested loop over every ratio at 50,000 officials) and the four ratios, one row per official.
scored AS (
    SELECT o.id, o.name, o.top_id, o.category_id, o.rank_level, __WEIGHTS__,
           wk.ratio AS r_work, tl.ratio AS r_timeliness, ev.ratio AS r_evaluation, tr.ratio AS r_training
    FROM officials o
    LEFT JOIN work wk ON wk.official_id = o.id LEFT JOIN timeliness tl ON tl.official_id = o.id
    LEFT JOIN evaluation ev ON ev.official_id = o.id LEFT JOIN training tr ON tr.official_id = o.id),
-- The present components' weights scaled up to the scheme's total.
present AS (
    SELECT *, nullif(coalesce(CASE WHEN r_work IS NOT NULL THEN w_work END, 0)
                     + coalesce(CASE WHEN r_timeliness IS NOT NULL THEN w_timeliness END, 0)
                     + coalesce(CASE WHEN r_evaluation IS NOT NULL THEN w_evaluation END, 0)
                     + coalesce(CASE WHEN r_training IS NOT NULL THEN w_training END, 0), 0) AS w_present
    FROM scored),
points AS (
    SELECT *, round(w_work * r_work * w_total / w_present, 2) AS p_work,
           round(w_timeliness * r_timeliness * w_total / w_present, 2) AS p_timeliness,
           round(w_evaluation * r_evaluation * w_total / w_present, 2) AS p_evaluation,
           round(w_training * r_training * w_total / w_present, 2) AS p_training
    FROM present),
cards AS (
    SELECT id, name, top_id, category_id, rank_level,
           coalesce(p_work, 0) + coalesce(p_timeliness, 0) + coalesce(p_evaluation, 0) + coalesce(p_training, 0)
               AS component_total,
           jsonb_strip_nulls(jsonb_build_object('work', p_work, 'timeliness', p_timeliness,
                                                'evaluation', p_evaluation, 'training', p_training)) AS components
    FROM points),
-- The ledger: each rule's sum in the period clamped to its cap; bonus the positive sums, deduction the others.
rule_sums AS (
    SELECT e.official_id, e.rule_id, sum(e.points) AS points
    FROM appraisal_scoreentry e WHERE e.occurred_on >= %(start)s AND e.occurred_on <= %(end)s
    GROUP BY e.official_id, e.rule_id),
ledger AS (
    SELECT x.official_id,
           sum(CASE WHEN x.points > 0 THEN x.points ELSE 0 END) AS bonus,
           sum(CASE WHEN x.points > 0 THEN 0 ELSE x.points END) AS deduction
    FROM (SELECT r.official_id,
                 CASE WHEN c.cap IS NULL THEN r.points ELSE greatest(-c.cap, least(c.cap, r.points)) END AS points
          FROM rule_sums r LEFT JOIN caps c ON c.rule_id = r.rule_id) x
    GROUP BY x.official_id),
totals AS (
    SELECT c.*, round(coalesce(l.bonus, 0), 2) AS bonus, round(coalesce(l.deduction, 0), 2) AS deduction
    FROM cards c LEFT JOIN ledger l ON l.official_id = c.id)
INSERT INTO {SCRATCH} (period_id, official_id, name, unit_id, category_id, rank_level, components, component_total,
                       bonus, deduction, ledger_total, total, rank_in_unit, rank_in_category, is_provisional,
                       computed_at)
SELECT %(period)s, id, name, top_id, category_id, rank_level, components, component_total, bonus, deduction,
       bonus + deduction, component_total + bonus + deduction,
       rank() OVER (PARTITION BY top_id ORDER BY component_total + bonus + deduction DESC),
       rank() OVER (PARTITION BY category_id, rank_level ORDER BY component_total + bonus + deduction DESC),
       %(provisional)s, now()
FROM totals
ON CONFLICT (period_id, official_id) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in COMPARED)}, computed_at = EXCLUDED.computed_at
WHERE ({", ".join(f"{SCRATCH}.{c}" for c in COMPARED)})
      IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in COMPARED)})
"""


# -- parameters ----------------------------------------------------------------------------------------------------
def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def floor_parameters(period: AppraisalPeriod) -> dict[str, Any]:
    """What the statement reads besides the facts: configuration, resolved as the rollup resolves it."""
    if set(registered_providers()) != set(PROVIDED):
        raise SystemExit(f"The floor computes the components {PROVIDED}; the rollup has "
                         f"{sorted(registered_providers())}: the floor is not the same work.")
    window = PeriodWindow(key=period.key, kind=period.kind, start=period.start, end=period.end,
                          parameters=parameters_for(period))
    schemes = _Schemes(_weights(period))
    categories = sorted({*OrgUnit.objects.filter(depth__lte=2).values_list("category_id", flat=True)} - {None})
    weights: dict[str, list[str]] = {code: [] for code in (*PROVIDED, "total")}
    for category in [*categories, None]:
        for rank in RankLevel.values:
            scheme = dict(schemes.scheme(category, rank))
            when = f"WHEN coalesce(o.category_id, 0) = {int(category or 0)} AND o.rank_level = '{rank}'"
            weights["total"].append(f"{when} THEN {Decimal(sum(scheme.values()))}")
            for code in PROVIDED:
                if code in scheme:
                    weights[code].append(f"{when} THEN {Decimal(scheme[code])}")
    weights_sql = ", ".join(f"CASE {' '.join(branches) or 'WHEN false THEN 0'} END::numeric AS w_{code}"
                            for code, branches in weights.items())
    caps = [{"rule_id": pk, "cap": _decimal(cap)} for pk, cap in _caps(period).items()]
    work, timely = constants(window, Component.WORK), constants(window, Component.TIMELINESS)
    frozen = window.parameters.get("training.hour_targets")
    live = hour_targets()
    year = period.end.year
    elapsed = elapsed_fraction(year, period.end)
    prorata = []
    for rank in RankLevel.values:
        target = (frozen.get(rank) if frozen else live.get(rank))
        target = Decimal(target) if target is not None else DEFAULT_HOUR_TARGETS.get(RankLevel(rank), Decimal(90))
        if target:  # no target: the component is left out for the official
            prorata.append(f"WHEN '{rank}' THEN {(target * elapsed).quantize(Decimal('0.1'))}")
    prorata_sql = f"CASE rank_level {' '.join(prorata) or 'WHEN NULL THEN 0'} END::numeric"
    evaluation = window.parameters.get("components.evaluation")
    tz = timezone.get_current_timezone()
    year_start, next_year = year_bounds(year)
    end_of_day = timezone.make_aware(datetime.combine(period.end, dtime.max), tz)
    by_longest = period.kind != PeriodKind.YEAR or transfer_graded_by() == GRADED_BY_LONGEST
    return {
        "period": period.pk, "start": period.start, "end": period.end,
        "month_start": period.start.replace(day=1), "provisional": not period.is_frozen,
        "caps": json.dumps(caps), "__weights__": weights_sql, "__prorata__": prorata_sql,
        "secondment": PostKind.SECONDMENT.value, "by_longest": by_longest, "top_chars": 2 * OrgUnit.steplen,
        "completed": TaskStatus.COMPLETED.value, "cancelled": TaskStatus.CANCELLED.value,
        "w_on": work["on_time"], "w_late": work["late"], "task_share": work["task_share"],
        "quality_share": work["quality_share"], "r_excellent": work[ReportRating.EXCELLENT],
        "r_good": work[ReportRating.GOOD], "r_fair": work[ReportRating.FAIR], "r_poor": work[ReportRating.POOR],
        "approved": ReportStatus.APPROVED.value, "published": ReportStatus.PUBLISHED.value,
        "draft": ReportStatus.DRAFT.value, "returned": ReportStatus.RETURNED.value,
        "t_on": timely["on_time"], "t_late": timely["late"], "t_missing": timely["missing"],
        "incomplete_counts": (evaluation["incomplete_counts"] if evaluation
                              else bool(settings.APPRAISAL_CHECKUP_INCOMPLETE_COUNTS)),
        "year_start": year_start, "hours_until": min(next_year, end_of_day), "year_first": date(year, 1, 1),
        "day_after_end": timezone.make_aware(datetime.combine(period.end + timedelta(days=1), dtime.min), tz),
        "ext_approved": ExternalStatus.APPROVED.value,
    }


# -- measuring -------------------------------------------------------------------------------------------------------
