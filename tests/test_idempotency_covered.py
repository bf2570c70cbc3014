"""Nothing forgets that creates happen once (issue 14, item 7): every page view that answers a POST either uses the
mechanism or says why it need not (with its form's template carrying the token), and every API create in the
schema honours the Idempotency-Key header. The mechanism itself: tests/test_idempotency.py.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from common.idempotency import HEADER

# -- nothing forgets it -----------------------------------------------------------------------------------------

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
# The page views that answer a POST without making a record a repeat would make again: each changes a record in
# place, moves it on (a repeat is refused by its new status), removes one, starts a job refused while it runs, or
# signs in. A new POST view goes either here, with its reason, or behind @idempotent_form.
NOT_CREATES = {
    "appraisal:ballot": "anonymous: each one-time code accepts one ballot (its own once-only rule)",
    "appraisal:ballot_slash": "the same ballot page, reached from the printed short link",
    "appraisal:ballot_batch_issue": "answers with the slips (the clear codes exist only in this answer, so it cannot "
                                    "lead to a stored first result); a second batch shows on the batches page and "
                                    "can be revoked",
    "appraisal:ballot_batch_revoke": "a status change",
    "appraisal:quarterly_answer": "answers an existing request (once: a second answer is refused)",
    "appraisal:quarterly_confirm": "a status change",
    "appraisal:quarterly_confirm_unit": "a status change for the unit",
    "appraisal:quarterly_propose": "upserts the quarter's proposals",
    "appraisal:quarterly_reconsider": "asks once on an existing grade (a second request is refused)",
    "appraisal:quarterly_rule": "sets a per-unit switch (upsert)",
    "appraisal:quarterly_save": "edits a grade in place",
    "org:leave_delete": "removes",
    "org:leave_edit": "edits in place",
    "org:calendar": "sets a day or imports the year: upserts by date",
    "org:calendar_day_delete": "removes",
    "tasks:task_edit": "edits in place",
    "tasks:task_weekly_update": "one update per task and week (upsert)",
    "tasks:task_progress": "edits in place",
    "tasks:task_loop_advance": "moves on",
    "tasks:task_cancel": "moves on",
    "tasks:milestone_done": "moves on",
    "tasks:report_edit": "the month's one report (upsert)",
    "tasks:report_autosave": "the month's one report (upsert)",
    "tasks:report_return": "moves on",
    "tasks:report_approve": "moves on",
    "tasks:report_publish": "moves on",
    "tasks:report_publish_bulk": "moves on (each report is signed once; a repeat is refused report by report)",
    "tasks:letter_reply": "moves on",
    "tasks:letter_sign": "moves on",
    "appraisal:entry_delete": "removes",
    "appraisal:period_rollup": "starts a job, refused while one runs",
    "appraisal:period_close": "moves on",
    "appraisal:period_publish": "moves on",
    "appraisal:period_reopen": "moves on",
    "appraisal:summaries_close": "moves on",
    "appraisal:proposals_submit": "moves on",
    "appraisal:procedure_finalize": "moves on",
    "appraisal:comment_edit": "edits in place",
    "appraisal:summary_mine": "the year's one summary (upsert)",
    "appraisal:summary_autosave": "the year's one summary (upsert)",
    "appraisal:summary_return": "moves on",
    "appraisal:summary_oral": "moves on",
    "appraisal:objection_detail": "moves on (the finding)",
    "appraisal:grade_notice_sign": "moves on",
    "appraisal:review_detail": "moves on (the decision)",
    "appraisal:appeal_record": "moves on (the outcome)",
    "appraisal:checkup_rate": "the rater's one rating (moves on)",
    "appraisal:checkup_excuse": "moves on",
    "appraisal:checkup_compute": "recomputes in place",
    "appraisal:checkup_close": "moves on",
    "appraisal:grades_propose": "proposes in place (upsert per official)",
    "appraisal:grades_confirm": "moves on",
    "appraisal:scheme_edit": "edits in place",
    "appraisal:scheme_delete": "removes",
    "appraisal:rule_edit": "edits in place",
    "training:session_edit": "edits in place",
    "training:attendance_set": "one attendance per official (upsert)",
    "training:attendance_import": "one attendance per official (upsert)",
    "training:external_approve": "moves on",
    "training:external_return": "moves on",
    "training:targets": "one target per rank level (upsert)",
    "training:criticism_confirm": "moves on",
    "training:criticism_dismiss": "moves on",
    "discipline:case_edit": "edits in place",
    "discipline:case_transition": "moves on",
    "discipline:appeal_decide": "moves on",
    "discipline:tolerance_review": "moves on",
    "discipline:tolerance_decide": "moves on",
    "discipline:rectification_done": "moves on",
    "discipline:talk_detail": "edits the follow-up in place",
    "discipline:kind_edit": "edits in place",
    "common:notification_read": "moves on",
    "common:notification_read_all": "moves on",
    "login": "signs in",
    "logout": "signs out",
    "password_change": "edits in place",
}
# Where each create form is: the template whose form posts to the view (action="{% url … %}", or the page's own).
FORM_TEMPLATES = {
    "org:official_leave": "org/leave/_card.html",
    "org:official_post_change": "org/official_detail.html",
    "org:roster_upload": "common/_import_upload.html",
    "tasks:task_create": "tasks/tasks/task_form.html",
    "tasks:task_import": "common/_import_upload.html",
    "tasks:letter_create": "tasks/letters/form.html",
    "appraisal:entry_add": "appraisal/scores/entry_form.html",
    "appraisal:period_list": "appraisal/periods/period_list.html",
    "appraisal:procedure_open": "appraisal/annual/procedure_list.html",
    "appraisal:notice_open": "appraisal/annual/procedure_detail.html",
    "appraisal:objection_file": "appraisal/annual/notice_detail.html",
    "appraisal:review_request": "appraisal/annual/grade_notice.html",
    "appraisal:appeal_file": "appraisal/annual/grade_notice.html",
    "appraisal:checkup_round_create": "appraisal/checkup/round_form.html",
    "appraisal:checkup_assign_defaults": "appraisal/checkup/round_detail.html",
    "appraisal:checkup_assign": "appraisal/checkup/round_detail.html",
    "appraisal:grades_quota": "appraisal/grades/grades.html",
    "appraisal:export_start": "appraisal/grades/_export_form.html",
    "appraisal:scheme_create": "appraisal/schemes/scheme_form.html",
    "appraisal:rule_create": "appraisal/schemes/rule_form.html",
    "training:session_create": "training/sessions/form.html",
    "training:mine": "training/external/mine.html",
    "training:plan_create": "training/plans/form.html",
    "discipline:case_create": "discipline/cases/form.html",
    "discipline:attachment_upload": "discipline/cases/detail.html",
    "discipline:decision_create": "discipline/cases/detail.html",
    "discipline:appeal_create": "discipline/record/appeal_form.html",
    "discipline:tolerance_create": "discipline/tolerance/form.html",
    "discipline:talk_create": "discipline/talks/form.html",
    "discipline:rule_create": "discipline/catalogue/rule_form.html",
    "discipline:rule_edit": "discipline/catalogue/rule_form.html",
}
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)


def page_views(resolver: URLResolver | None = None, namespace: str = "", prefix: str = "") -> Iterator[
        tuple[str, Callable[..., Any]]]:
    """Every page view of the URL conf by its name (the API, the admin and the schema are not pages)."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("api/", "admin/")):
            continue
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n) if entry.namespace else namespace
            yield from page_views(entry, inner, route)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}:{entry.name}" if namespace else str(entry.name)), entry.callback


def answers_post(view: Callable[..., Any]) -> bool:
    """Whether a view serves a POST: its method decorator says so, or (without one) its code reads one."""
    if hasattr(view, "view_class"):
        return hasattr(view.view_class, "post")
    layer: Any = view
    while layer is not None:
        for cell in getattr(layer, "__closure__", None) or ():
            allowed = cell.cell_contents
            if isinstance(allowed, list | tuple | set) and allowed and set(allowed) <= METHODS:
                return "POST" in allowed
        layer = getattr(layer, "__wrapped__", None)
    return "POST" in inspect.getsource(inspect.unwrap(view))


def test_every_page_view_that_answers_a_post_is_a_guarded_create_or_says_why_not():
    views = dict(page_views())
    assert len(views) > 100
    posts = {name for name, view in views.items() if answers_post(view)}
    guarded = {name for name, view in views.items() if getattr(view, "idempotent_form", False)}
    unexplained = posts - guarded - set(NOT_CREATES)
    assert not unexplained, f"a POST view that creates needs @idempotent_form (or a reason in NOT_CREATES): " \
                            f"{sorted(unexplained)}"
    assert not guarded & set(NOT_CREATES)
    assert set(NOT_CREATES) <= posts, sorted(set(NOT_CREATES) - posts)  # no stale entries
    assert guarded == set(FORM_TEMPLATES), "name the template of each create form in FORM_TEMPLATES"
    for name in ("appraisal:entry_add", "tasks:letter_create", "tasks:task_create", "training:mine"):
        assert name in guarded


@pytest.mark.parametrize("name", sorted(FORM_TEMPLATES))
def test_every_create_form_carries_the_token(name):
    source = _template(FORM_TEMPLATES[name])
    forms = [(attrs, body) for attrs, body in FORM.findall(source) if 'method="post"' in attrs.lower()]
    url_tag = re.compile(rf"""url ['"]{re.escape(name)}['"]""")
    posting = [body for attrs, body in forms if url_tag.search(attrs) or "action=" not in attrs]
    assert posting, f"no form in {FORM_TEMPLATES[name]} posts to {name}"
    assert all("{% form_token %}" in body for body in posting), f"{FORM_TEMPLATES[name]}: add {{% form_token %}}"


def _template(name: str) -> str:
    path = Path(settings.BASE_DIR) / "templates" / name
    assert path.exists(), f"no template {name}"
    return path.read_text(encoding="utf-8")


def test_every_api_create_honours_the_idempotency_key():
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    creates = []
    for path, _regex, method, view in generator._get_paths_and_endpoints():
        if method != "POST":
            continue
        operation = schema["paths"][path]["post"]
        if "201" not in operation["responses"]:
            continue  # a POST that answers 200 changes or moves on a record that exists
        creates.append(path)
        handler = getattr(view, view.action)
        assert getattr(handler, "idempotent_create", False), f"{path}: put @idempotent_create on {view.action}"
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert HEADER in headers and "422" in operation["responses"], path
    assert len(creates) >= 20
    assert {"/api/v1/score-entries/", "/api/v1/supervision-letters/", "/api/v1/tasks/",
            "/api/v1/external-training/"} <= set(creates)
