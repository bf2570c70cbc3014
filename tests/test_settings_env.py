"""Production settings refuse to sign anything without a SECRET_KEY, yet commands that sign nothing run."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SCRIPT = (
    "import django; django.setup(); from django.conf import settings\n"
    "try:\n    settings.SECRET_KEY\nexcept Exception as exc:\n    print(type(exc).__name__)\n"
)


def run(env: dict[str, str]) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    base.update({"DJANGO_SETTINGS_MODULE": "cadre_mgmt.settings", **env})
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=settings.BASE_DIR, env=base, capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout.strip()


def test_without_debug_an_empty_secret_key_is_refused():
    assert run({}) == "ImproperlyConfigured"


def test_a_secret_key_from_the_environment_is_used():
    assert run({"SECRET_KEY": "from-the-environment"}) == ""
