"""The case register as an Excel file, for discipline inspection only: the list's filtered cases, each export
logged in the access log."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.excel import xlsx_response
from common.http import AuthedRequest
from discipline.excel import case_register_export
from discipline.views.cases import filtered_cases
from org.models import Role
from org.selectors import require_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def case_export(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, Role.DISCIPLINE)
    _, cases, _filters = filtered_cases(request)
    stream = io.BytesIO()
    # Logs an EXPORT row per case in the file, then writes the register (discipline/excel.py).
    case_register_export(user=request.user, cases=cases.order_by("-registered_on", "-id"), stream=stream)
    return xlsx_response(stream.getvalue(), f"案件登记簿{timezone.localdate():%Y%m%d}.xlsx")
