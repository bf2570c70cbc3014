"""The roster import (organization department): upload a workbook, download the empty template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import ApplicationError
from common.excel import xlsx_response
from common.forms import show_error
from common.http import AuthedRequest
from common.idempotency import idempotent_form
from org.excel import roster_template
from org.forms.roster import RosterUploadForm
from org.models import Role
from org.selectors import require_role
from org.selectors.roster import roster_imports_visible_to
from org.services import roster_import

HISTORY_SIZE = 10  # the latest uploads shown beside an import form


@login_required
@require_http_methods(["GET", "POST"])
@idempotent_form
def roster_upload(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, Role.ORG_DEPARTMENT)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = roster_import(file=upload, by=request.user, filename=upload.name)
        except ApplicationError as error:
            show_error(form, error, field="file")
        else:
            if result.ok:
                messages.success(
                    request,
                    _("Roster imported: %(uc)s units added, %(uu)s updated; %(oc)s officials added, %(ou)s updated.")
                    % {"uc": result.units_created, "uu": result.units_updated,
                       "oc": result.officials_created, "ou": result.officials_updated},
                )
                return redirect("org:roster_upload")
    history = roster_imports_visible_to(request.user)[:HISTORY_SIZE]
    return render(request, "org/roster_upload.html", {"form": form, "result": result, "history": history})


@login_required
def roster_template_download(request: AuthedRequest) -> HttpResponse:
    require_role(request.user, Role.ORG_DEPARTMENT)
    return xlsx_response(roster_template(), "花名册模板.xlsx")
