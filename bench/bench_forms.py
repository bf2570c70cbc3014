"""Time the county-wide export of the annual appraisal registration forms (年度考核登记表) against a seeded database.

Run from the project root (see bench/README.md), after ``migrate`` and ``seed_demo --officials 10000``:

    DJANGO_SETTINGS_MODULE=cadre_mgmt.settings DEBUG=1 \\
        DATABASE_URL=sqlite:////tmp/bench10k.sqlite3 .venv/bin/python bench/bench_forms.py

Setup (not timed, done once and kept): the demo has the year's scorecards but not every step of the year's
procedure, so for every official of the year (``--year``, default the latest year with scorecards) the setup
proposes the grades when there are none, and bulk-creates what is missing — each top-level unit's
``AnnualProcedure``, each official's ``AnnualSummary`` (submitted, about 1,500 characters over the five sections,
drawn from a pool of sentences so no two are alike; the demo's shorter summaries are lengthened to that size),
a 评语 and a confirmed final grade, and the current written notice (most signed 同意, some 不同意 with a reason,
some 未签署, some pending). The default year is the one the demo completed (2025 in a 2026 demo: every step
done, 9,490 appraised officials of 10,000, 61 top-level units).

Measured, each in a fresh process so the resident-memory peak is the export's own:

- the export job as users run it (``ExportJob`` of kind ``forms`` without a unit → ``export_run``: the zip of one
  workbook per top-level unit, saved to the media storage): seconds, SQL statements, resident memory before and
  at the peak (``VmRSS``/``VmHWM``), the file's size;
- the same write under ``tracemalloc`` (slower; not timed) for the peak of Python allocations, and again for one
  unit only, to show the peak does not grow with the number of officials.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_mgmt.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import Length  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from appraisal.models import (  # noqa: E402
    SUMMARY_SECTIONS,
    AnnualProcedure,
    AnnualSummary,
    AppraisalPeriod,
    ExportJob,
    Grade,
    GradeDecision,
    GradeNotice,
    GradeStatus,
    PeriodKind,
    Scorecard,
    SignStatus,
    Stage,
    SummaryStatus,
)
from appraisal.services.exports import export_run  # noqa: E402
from appraisal.services.grades import grades_propose  # noqa: E402
from appraisal.services.registration import registration_forms_write  # noqa: E402
from org.models import User  # noqa: E402

SENTENCES = [
    "坚持以习近平新时代中国特色社会主义思想为指导，认真学习党的路线方针政策，政治立场坚定。",
    "严格遵守中央八项规定精神，自觉接受监督，廉洁自律，没有违规违纪行为。",
    "认真履行岗位职责，按时完成领导交办的各项任务，全年无迟到早退现象。",
    "积极参加单位组织的集中学习和业务培训，全年累计学习时长超过规定要求。",
    "牵头推进重点项目建设，协调解决土地、资金和审批难题，项目按期开工。",
    "深入基层开展调研，形成调研报告三篇，提出的建议被采纳并转化为工作举措。",
    "办理群众来信来访和民心网诉求，做到件件有回音、事事有着落，群众满意度较高。",
    "认真对照岗位职责查找不足，在创新工作方法、提升工作效率方面还需进一步加强。",
    "团结同志，服从安排，主动承担急难险重任务，在防汛和疫情防控中表现突出。",
    "加强业务学习，熟练掌握相关政策法规，能够独立处理本岗位的复杂问题。",
    "完成年度目标任务，各项指标均达到或超过预期，工作成效得到上级肯定。",
    "下一步将继续加强理论学习，改进工作作风，努力把各项工作做得更好。",
]
COMMENTS = ["该同志政治立场坚定，工作认真负责，能够较好完成各项工作任务。",
            "该同志业务熟练，作风扎实，团结同事，全年表现良好。",
            "该同志工作积极主动，敢于担当，在重点工作中发挥了骨干作用。"]


def text_of(rng: random.Random, chars: int) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < chars:
        parts.append(rng.choice(SENTENCES))
    return "".join(parts)


def default_year() -> AppraisalPeriod:
    """The latest year whose appraisal the demo completed (final grades), else the latest with scorecards."""
    years = AppraisalPeriod.objects.filter(kind=PeriodKind.YEAR).order_by("-start")
    year = (years.filter(grades__status=GradeStatus.FINAL).distinct().first()
            or years.filter(scorecards__isnull=False).distinct().first())
    if year is None:
        raise SystemExit("No year scorecards: seed the database first (manage.py seed_demo --officials 10000).")
    return year


def setup(year: AppraisalPeriod, summary_chars: int) -> dict[str, int]:
    """Create, once, what the forms read; return the counts. Not timed."""
    orgadmin = User.objects.get(username="orgadmin")
    rng = random.Random(2026)
    if not GradeDecision.objects.filter(period=year).exists():
        grades_propose(period=year, by=orgadmin)
    now = timezone.now()
    with transaction.atomic():
        units = set(GradeDecision.objects.filter(period=year).values_list("unit_id", flat=True).distinct())
        have = set(AnnualProcedure.objects.filter(period=year).values_list("unit_id", flat=True))
        AnnualProcedure.objects.bulk_create([
            AnnualProcedure(period=year, unit_id=unit_id, opened_by=orgadmin, stage=Stage.SIGNED,
                            stage_changed_at=now, finalized_at=now) for unit_id in sorted(units - have)])
        procedures = dict(AnnualProcedure.objects.filter(period=year).values_list("unit_id", "id"))
        written = set(AnnualSummary.objects.filter(procedure__period=year).values_list("official_id", flat=True))
        grades = list(GradeDecision.objects.filter(period=year).exclude(official_id__in=written)
                      .values_list("official_id", "unit_id"))
        share = summary_chars // len(SUMMARY_SECTIONS)
        batch: list[AnnualSummary] = []
        for official_id, unit_id in grades:
            batch.append(AnnualSummary(procedure_id=procedures[unit_id], official_id=official_id,
                                       status=SummaryStatus.SUBMITTED, submitted_at=now,
                                       **{name: text_of(rng, share) for name in SUMMARY_SECTIONS}))
            if len(batch) == 1000:
                AnnualSummary.objects.bulk_create(batch)
                batch = []
        AnnualSummary.objects.bulk_create(batch)
        # The demo's own summaries are a few sentences: lengthen them to the size measured.
        length = sum((Length(name) for name in SUMMARY_SECTIONS[1:]), Length(SUMMARY_SECTIONS[0]))
        short = list(AnnualSummary.objects.filter(procedure__period=year).annotate(chars=length)
                     .filter(chars__lt=summary_chars * 0.9).values_list("pk", flat=True))
        for start in range(0, len(short), 1000):
            rows = [AnnualSummary(pk=pk, status=SummaryStatus.SUBMITTED, submitted_at=now,
                                  **{name: text_of(rng, share) for name in SUMMARY_SECTIONS})
                    for pk in short[start:start + 1000]]
            AnnualSummary.objects.bulk_update(rows, [*SUMMARY_SECTIONS, "status", "submitted_at"])
        # 评语, confirmed and final: set-based, one comment text per third of the officials.
        for index, comment in enumerate(COMMENTS):
            (GradeDecision.objects.filter(period=year, comment="", official_id__in=[
                o for o, _u in grades if o % len(COMMENTS) == index])
             .update(comment=comment, commented_by=orgadmin, commented_at=now))
        (GradeDecision.objects.filter(period=year, final="")
         .update(confirmed_by=orgadmin, confirmed_at=now, status=GradeStatus.FINAL))
        for grade in Grade.values:
            GradeDecision.objects.filter(period=year, final="", proposed=grade).update(final=grade)
        noticed = set(GradeNotice.objects.filter(grade__period=year).values_list("grade_id", flat=True))
        notices: list[GradeNotice] = []
        for grade_id, official_id, final, comment in (
                GradeDecision.objects.filter(period=year).exclude(final=Grade.NOT_APPRAISED)
                .exclude(pk__in=noticed).values_list("id", "official_id", "final", "comment")):
            roll = rng.random()
            status = (SignStatus.AGREED if roll < 0.85 else SignStatus.DISAGREED if roll < 0.9
                      else SignStatus.UNSIGNED if roll < 0.95 else SignStatus.PENDING)
            signed = status in (SignStatus.AGREED, SignStatus.DISAGREED)
            notices.append(GradeNotice(
                grade_id=grade_id, official_id=official_id, grade_value=final, comment=comment, issued_at=now,
                issued_by=orgadmin, sign_due=now.date(), review_due=now.date(), status=status,
                opinion=text_of(rng, 120) if status == SignStatus.DISAGREED else "",
                signed_at=now if signed else None))
        GradeNotice.objects.bulk_create(notices, batch_size=1000)
    return {"grades": GradeDecision.objects.filter(period=year).count(),
            "summaries": AnnualSummary.objects.filter(procedure__period=year).count(),
            "notices": GradeNotice.objects.filter(grade__period=year, is_current=True).count(),
            "units": len(procedures)}


def memory_mib() -> tuple[float, float]:
    """Return this process's resident memory now and its peak (Linux ``VmRSS``/``VmHWM``). Not ``ru_maxrss``: a
    child process inherits its parent's peak through ``fork``+``exec`` there, which hides the child's own."""
    found: dict[str, float] = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                name, _sep, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    found[name] = int(value.split()[0]) / 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return peak, peak
    return found["VmRSS"], found["VmHWM"]


def measure_job(year: AppraisalPeriod) -> dict[str, Any]:
    """The county-wide job as users run it (in this fresh process)."""
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-forms-media-")
    orgadmin = User.objects.get(username="orgadmin")
    job = ExportJob.objects.create(kind=ExportJob.Kind.FORMS, period=year, unit=None, created_by=orgadmin)
    rss_before, _peak = memory_mib()
    with translation.override(settings.LANGUAGE_CODE), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        done = export_run(job_id=job.pk)
        seconds = time.perf_counter() - started
    assert done is not None and done.status == ExportJob.Status.DONE, done and done.error
    size = done.file.size
    done.file.delete(save=False)
    job.delete()
    return {"forms": done.rows, "seconds": round(seconds, 1), "queries": len(queries.captured_queries),
            "rss_before_mib": round(rss_before), "peak_rss_mib": round(memory_mib()[1]),
            "file_mib": round(size / 2**20, 1)}


def measure_traced(year: AppraisalPeriod, unit_id: int | None) -> dict[str, Any]:
    """The write alone under tracemalloc: the peak of Python allocations (the county, or one unit)."""
    from org.models import OrgUnit

    unit = OrgUnit.objects.get(pk=unit_id) if unit_id else None
    handle, path = tempfile.mkstemp(suffix=".xlsx" if unit else ".zip")
    os.close(handle)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            tracemalloc.start()
            started = time.perf_counter()
            forms = registration_forms_write(period=year, unit=unit, target=path)
            seconds = time.perf_counter() - started
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    finally:
        os.unlink(path)
    return {"scope": unit.name if unit else "county", "forms": forms, "traced_seconds": round(seconds, 1),
            "peak_traced_mib": round(peak / 2**20, 1), "peak_rss_mib": round(memory_mib()[1])}


def child(args: list[str]) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON line."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--year", help="year key (default: the latest year with scorecards)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the job (each in a fresh process)")
    parser.add_argument("--summary-chars", type=int, default=1500)
    parser.add_argument("--measure", choices=["job", "traced"], help=argparse.SUPPRESS)
    parser.add_argument("--unit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    year = AppraisalPeriod.objects.get(key=args.year) if args.year else default_year()

    if args.measure == "job":
        print(json.dumps(measure_job(year)))
        return 0
    if args.measure == "traced":
        print(json.dumps(measure_traced(year, args.unit)))
        return 0

    db = connection.settings_dict
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}; year {year.key}; "
          f"{Scorecard.objects.filter(period=year).count()} year scorecards")
    started = time.perf_counter()
    counts = setup(year, args.summary_chars)
    print(f"setup ({time.perf_counter() - started:.0f} s, not timed): {counts}")
    for _run in range(args.runs):
        print("job   ", child(["--year", year.key, "--measure", "job"]))
    print("traced", child(["--year", year.key, "--measure", "traced"]))
    biggest = (GradeDecision.objects.filter(period=year).values("unit_id").annotate(n=Count("id"))
               .order_by("-n").first())
    if biggest:
        print("traced", child(["--year", year.key, "--measure", "traced", "--unit", str(biggest["unit_id"])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
