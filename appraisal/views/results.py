"""Pages of the use of the annual results (结果运用), for the organization department: the five lists of a year
with their counts and a chart, each list as an Excel download. Thin: parse, call the reads, render."""

from __future__ import annotations

import tempfile
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from appraisal.excel import results as excel_results
from appraisal.selectors import results as results_sel
from appraisal.selectors.periods import years_visible
from appraisal.selectors.results import ResultList
from common.http import AuthedRequest
from common.pagination import paginate
from org.selectors import require_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kind(value: str | None, *, strict: bool = False) -> str:
    if value in ResultList.values:
        return str(value)
    if strict:
        raise Http404
    return ResultList.COMMENDATION


@login_required
@require_GET
def results(request: AuthedRequest) -> HttpResponse:
    """The lists of a year: tabs with counts, the chosen list as a paginated table, a bar chart of the counts."""
    require_role(request.user, "org")
    years = list(years_visible())
    key = request.GET.get("year")
    period = next((y for y in years if y.key == key), years[0] if years else None)
    kind = _kind(request.GET.get("list"))
    context: dict[str, Any] = {"years": years, "period": period, "kind": kind, "kind_label": ResultList(kind).label}
    if period is not None:
        counts = results_sel.result_counts(request.user, period)
        page = paginate(request, results_sel.result_list(request.user, period, kind))
        context.update({
            "tabs": [(value, label, counts[value]) for value, label in ResultList.choices],
            "page": page,
            "rows": results_sel.result_rows(list(page.object_list), period=period, kind=kind),
            "note": results_sel.RULES[kind].note,
            "query": f"year={period.key}&list={kind}",
            "chart": {"labels": [str(label) for _value, label in ResultList.choices],
                      "counts": [counts[value] for value in ResultList.values]},
        })
    return render(request, "appraisal/results/results.html", context)


@login_required
@require_GET
def results_export(request: AuthedRequest) -> FileResponse:
    """Download one list as an .xlsx, e.g. ``?year=2025&list=commendation``.

    A direct download, not a Celery job: a list holds the officials due one consequence of one year's grade —
    a few hundred rows at most even at 10,000 officials — so it is written in well under a second (two
    queries, xlsxwriter in constant-memory mode into a temporary file that is streamed and then removed).
    """
    require_role(request.user, "org")
    period = get_object_or_404(years_visible(), key=request.GET.get("year") or "")
    kind = _kind(request.GET.get("list"), strict=True)
    rows = results_sel.result_rows(list(results_sel.result_list(request.user, period, kind)), period=period,
                                   kind=kind)
    # Not a context manager: the response streams the file and closes (so removes) it when sent.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    excel_results.result_workbook_write(target=handle, rows=rows, period=period, kind=kind,
                                      scope=excel_results.result_scope_label(request.user))
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=excel_results.result_file_name(period, kind),
                        content_type=XLSX)
