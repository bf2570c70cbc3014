"""No English reaches a user, and people appear by name, never by login (issue 15, item 4).

Each demo login walks every page it can reach by following links (tests/ui/crawl.py) and reads what it sees.
A word of Latin letters fails the test unless it is an allowed term (API, Excel, PDF…) or data that is not
language (a unit code); a demo login shown as text fails it unless the element says it shows a login
(class ``login-name``, the "login account" field). Every download must have a Chinese file name.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.test import Client

from org.models import OrgUnit, UnitCategory, User
from tests.ui.conftest import DEMO_LOGINS
from tests.ui.crawl import walk

pytestmark = pytest.mark.django_db

# Terms an official reads as they are (they have no Chinese in common use) and file types.
ALLOWED = {"API", "Excel", "PDF", "JPEG", "PNG", "QR", "HTML", "CSV", "ID", "OK", "Token", "HTTPS", "URL", "Word",
           "KB", "MB", "xlsx", "xls", "docx", "doc", "pdf", "jpg", "jpeg", "png", "zip", "html"}
# A word of Latin letters, snake_case codes included (study_absence), not part of a code, path or address.
WORD = re.compile(r"(?<![\w.@/-])[A-Za-z][A-Za-z_']+(?![\w@/-])")


def _codes() -> set[str]:
    return {*OrgUnit.objects.values_list("code", flat=True), *UnitCategory.objects.values_list("code", flat=True)}


@pytest.fixture(scope="module")
def walks(demo_world: None, django_db_blocker) -> dict[str, list]:
    with django_db_blocker.unblock():
        result = {}
        for login in DEMO_LOGINS:
            client = Client(raise_request_exception=True)
            client.force_login(User.objects.get(username=login))
            result[login] = list(walk(client))
        return result


@pytest.mark.parametrize("login", DEMO_LOGINS)
def test_no_english_reaches_the_user(walks, login):
    allowed = ALLOWED | _codes()
    found: dict[str, set[str]] = {}
    for page in walks[login]:
        for text in page.texts:
            words = {w for w in WORD.findall(text) if w not in allowed}
            if words:
                found.setdefault(page.url, set()).update(words)
    assert len(walks[login]) > 30, "the walk reached too few pages to mean anything"
    assert not found, "\n".join(f"{url}: {sorted(words)}" for url, words in sorted(found.items()))


@pytest.mark.parametrize("login", DEMO_LOGINS)
def test_people_appear_by_name_not_by_login(walks, login):
    logins = set(User.objects.exclude(first_name="", last_name="").values_list("username", flat=True))
    pattern = re.compile(r"(?<![\w.@/-])(" + "|".join(map(re.escape, sorted(logins, key=len, reverse=True)))
                         + r")(?![\w@/-])")
    found = {page.url: sorted({m for text in page.texts for m in pattern.findall(text)})
             for page in walks[login]}
    found = {url: names for url, names in found.items() if names}
    assert not found, "\n".join(f"{url}: {names}" for url, names in sorted(found.items()))


@pytest.mark.parametrize("login", DEMO_LOGINS)
def test_every_page_answers_and_every_download_has_a_chinese_name(walks, login):
    failures = [f"{page.url}: {page.status}" for page in walks[login] if page.status >= 400]
    assert not failures, failures
    for page in walks[login]:
        if page.filename:
            name = unquote(page.filename.rsplit("filename", 1)[-1])
            assert re.search(r"[\u4e00-\u9fff]", name), f"{page.url}: {page.filename}"
