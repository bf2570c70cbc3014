"""Every htmx form has a browser test that sends it invalid input and sees the message (issue 14, item 8).

htmx drops error answers unless static/js/htmx_setup.js is told otherwise, so a form can fail silently in the
browser while every view test passes. A template that writes with htmx (``hx-post``, ``hx-put``, ``hx-patch``,
``hx-delete``), or searches and filters with it from a form field (``hx-get`` on a form, an input, a select or a
textarea), is named here with the browser test that covers it and a marker the test uses (a test id or URL name):
a new htmx form without a browser test fails here, cheaply, without a browser.

The official picker (static/js/official_picker.js, on the task, letter, session, case, talk and score entry forms)
searches with fetch, not htmx; its browser test of "nobody found" is test_htmx_forms_pages.py's
test_the_official_pickers_read_out_of_scope_like_missing.

Left out on purpose: ``hx-get`` on links, buttons and divs — tabs, an edit button that fetches a form, progress
bars polling themselves, cards loading themselves — which send nothing typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
E2E = Path(__file__).parent / "e2e"
WRITES = re.compile(r"\bhx-(?:post|put|patch|delete)\s*=")
SEARCHES = re.compile(r"<(?:form|input|select|textarea)\b[^>]*\bhx-get\s*=")

APPRAISAL = "test_htmx_forms_appraisal.py"
TRAINING = "test_htmx_forms_training.py"
PAGES = "test_htmx_forms_pages.py"
TASKS = "test_htmx_errors.py"
# template (under templates/) → [(browser test under tests/e2e/, a marker that test uses for this form)]
COVERED: dict[str, list[tuple[str, str]]] = {
    "appraisal/annual/summary_mine.html": [(APPRAISAL, "summary-form")],
    "appraisal/periods/period_detail.html": [(APPRAISAL, "run-rollup")],
    "appraisal/grades/_export_form.html": [(APPRAISAL, "export-form")],
    "appraisal/quarterly/_row.html": [(APPRAISAL, "quarterly-row")],
    "appraisal/checkup/results.html": [(PAGES, "results-search")],
    "training/sessions/_attendance_row.html": [(TRAINING, "attendance-row")],
    "training/external/_review_row.html": [(TRAINING, "review-row-")],
    "tasks/tasks/_weekly_form.html": [(TASKS, "weekly-form")],
    "tasks/tasks/_progress_form.html": [(TASKS, "progress-form")],
    "tasks/tasks/_loop.html": [(TASKS, "loop-form")],
    "tasks/tasks/task_board.html": [(PAGES, "board-filter")],
    "tasks/reports/form.html": [(PAGES, "report_edit")],
    "org/official_list.html": [(PAGES, "official-filter")],
    "org/leave/_card.html": [("test_leave_journey.py", "leave-form"), (PAGES, "leave-edit"), (PAGES, "leave-delete")],
    "common/notifications.html": [(PAGES, "mark-read"), (PAGES, "mark-all-read")],
}


def htmx_forms() -> set[str]:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if WRITES.search(text) or SEARCHES.search(text):
            found.add(path.relative_to(TEMPLATES).as_posix())
    return found


def test_every_htmx_form_has_a_browser_test_of_its_errors():
    missing = sorted(htmx_forms() - COVERED.keys())
    assert not missing, (
        f"htmx forms without a browser test of their errors: {missing}. Add a test under tests/e2e/ that submits "
        "invalid input and sees the message (tests/e2e/htmx_forms.py helps), then name it in COVERED.")


def test_the_list_names_only_htmx_forms_and_tests_that_use_them():
    stale = sorted(COVERED.keys() - htmx_forms())
    assert not stale, f"no longer htmx forms (take them out of COVERED): {stale}"
    for template, tests in COVERED.items():
        for name, marker in tests:
            test = E2E / name
            assert test.exists(), (template, name)
            assert marker in test.read_text(encoding="utf-8"), (template, name, marker)


def test_the_guard_sees_a_new_htmx_form():
    """The patterns catch the forms as templates write them (attributes over several lines included)."""
    assert WRITES.search('<form method="post"\n      hx-post="/x/" hx-target="#y">')
    assert WRITES.search('<button hx-delete="/x/">')
    assert SEARCHES.search('<select name="unit" class="form-select"\n        hx-get="/options/">')
    assert not SEARCHES.search('<div hx-get="/progress/" hx-trigger="every 1s">')
    assert not SEARCHES.search('<a class="nav-link" hx-get="/tab/">')
