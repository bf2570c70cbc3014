"""The training ledger (培训台账) download: a unit's Excel ledger for a year, for heads and the organization
department over the unit (anyone else, or an unknown unit, gets 404)."""

from __future__ import annotations

import os
import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.filters import as_int
from common.http import AuthedRequest
from training.excel import write_ledger
from training.selectors.ledger import ledger_unit


@login_required
@require_GET
def ledger_export(request: AuthedRequest) -> FileResponse:
    """Stream ``?unit=CODE&year=YYYY`` (default: this year) as an xlsx file written to a temporary file."""
    code = request.GET.get("unit", "").strip()
    year_text = request.GET.get("year", "").strip()
    today = timezone.localdate()
    if not year_text:
        year = today.year
    elif as_int(year_text, low=2000, high=today.year + 1) is not None:
        year = int(year_text)
    else:
        raise Http404
    unit = ledger_unit(request.user, code)
    if unit is None:
        raise Http404
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_ledger(path, unit=unit, year=year, today=today)
        stream = open(path, "rb")  # noqa: SIM115  # FileResponse closes it once sent
    finally:
        os.unlink(path)  # the open handle keeps the data readable until the response is sent
    filename = _("Training ledger %(year)s %(unit)s.xlsx") % {"year": year, "unit": unit.name}
    return FileResponse(stream, as_attachment=True, filename=filename)
