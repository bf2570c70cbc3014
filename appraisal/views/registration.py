"""The print page of one official's annual appraisal registration form (公务员年度考核登记表), A4 portrait.

Seen by the official themself, the heads over them and the organization department: the grade is fetched through
``grades_visible_to(user, include_own=True)``, so anyone else gets 404, as for a missing form. The forms of a
whole unit are downloaded as a workbook from the exports page (``?kind=forms&period=YYYY&unit=CODE``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from appraisal.selectors.grades import grades_visible_to
from appraisal.selectors.registration import registration_entry_for
from common.http import AuthedRequest


@login_required
def registration_form(request: AuthedRequest, grade_pk: int) -> HttpResponse:
    """One official's registration form of a year, laid out for printing."""
    entry = registration_entry_for(grades=grades_visible_to(request.user, include_own=True), grade_id=grade_pk)
    if entry is None:
        raise Http404
    return render(request, "appraisal/registration/form.html", {"entry": entry})
