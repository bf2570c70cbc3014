"""Dependencies point one way (DESIGN §3): ``org`` at the bottom, ``tasks``, ``training`` and ``discipline`` on it,
``appraisal`` on top reading them; ``common`` imports none of the apps.

Every module of the lower layers is parsed (migrations aside): an import anywhere in it — at the top, inside a
function, under ``TYPE_CHECKING``, or through ``importlib.import_module("...")`` with a literal name — of an app
the layer may not use fails the test, naming the file and line. A fact app that needs something from above
announces it below instead (``org.facts``, ``org.home``, ``training.signals``) and the app above listens.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("common", "org", "tasks", "training", "discipline", "appraisal")
# What each layer may import of the project's apps (itself always).
ALLOWED = {
    "common": set(),
    "org": {"common"},
    "tasks": {"common", "org"},
    "training": {"common", "org"},
    "discipline": {"common", "org"},
}


def imported_apps(source: str) -> list[tuple[int, str]]:
    """Return ``(line, top-level package)`` of every absolute import in ``source`` naming one of the apps."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]
        found.extend((node.lineno, top) for name in names if (top := name.split(".")[0]) in APPS)
    return sorted(found)


def violations(app: str) -> list[str]:
    allowed = ALLOWED[app] | {app}
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.relative_to(ROOT).parts:
            continue
        for line, target in imported_apps(path.read_text(encoding="utf-8")):
            if target not in allowed:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return found


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_a_lower_layer_imports_nothing_above_it(app):
    assert violations(app) == []


def test_every_kind_of_import_is_seen():
    source = '''
from typing import TYPE_CHECKING
import org.models
from appraisal.models import ScoreEntry
from . import sibling
if TYPE_CHECKING:
    from discipline.models import Case

def late():
    import tasks.selectors
    from importlib import import_module
    import_module("training.progress")
'''
    assert imported_apps(source) == [(3, "org"), (4, "appraisal"), (7, "discipline"), (10, "tasks"),
                                      (12, "training")]
