"""The interface is Chinese: every msgid is translated, the compiled catalogue matches, none is missing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import require_service

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_msgid_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated and not fuzzy, (untranslated, fuzzy)


def test_compiled_catalogue_matches_the_source():
    po = {(e.msgid, e.msgstr or e.msgstr_plural.get(0, "")) for e in polib.pofile(str(LOCALE / "django.po"))
          if not e.obsolete}
    mo = {(e.msgid, e.msgstr or e.msgstr_plural.get(0, "")) for e in polib.mofile(str(LOCALE / "django.mo"))
          if e.msgid}
    assert po == mo, "run `make messages` to recompile locale/zh_Hans"


def test_the_catalogue_holds_every_string_in_the_code(tmp_path, monkeypatch):
    require_service(bool(shutil.which("xgettext")), "xgettext (GNU gettext) is not installed")
    # Extract from a copy of the sources, so the real catalogue is never touched.
    base = Path(settings.BASE_DIR)
    sources = [d.name for d in base.iterdir() if (d / "apps.py").exists()] + ["cadre_mgmt", "templates"]
    for name in sources:
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    fresh = {e.msgid for e in polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    known = {e.msgid for e in polib.pofile(str(LOCALE / "django.po")) if not e.obsolete}
    assert not fresh - known, f"new strings without translation (run `make messages`): {sorted(fresh - known)}"


def test_no_message_is_marked_inside_an_f_string():
    # xgettext does not read inside f-strings: a msgid written there is never extracted and reaches users in
    # English ("Exported at" in the register did).
    pattern = re.compile(r"""\bf(["'])[^"'\n]*\{\s*_\(""")
    base = Path(settings.BASE_DIR)
    found = [f"{path.relative_to(base)}:{number}" for app in base.iterdir() if (app / "apps.py").exists()
             for path in app.rglob("*.py") if "migrations" not in path.parts
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not found, found
