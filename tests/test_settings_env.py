"""Settings read from the environment, each checked in a fresh interpreter: production refuses to sign anything
without a SECRET_KEY (yet commands that sign nothing run); PostgreSQL sessions' options; the WSGI module."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SCRIPT = (
    "import django; django.setup(); from django.conf import settings\n"
    "try:\n    settings.SECRET_KEY\nexcept Exception as exc:\n    print(type(exc).__name__)\n"
)


def python(script: str, env: dict[str, str], *, unset: set[str]) -> str:
    """Run ``script`` in a fresh interpreter with this environment less ``unset``, plus ``env``; its output."""
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base.update({"DJANGO_SETTINGS_MODULE": "cadre_mgmt.settings", **env})
    done = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=base, capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout.strip()


def run(env: dict[str, str]) -> str:
    return python(SCRIPT, env, unset={"SECRET_KEY", "DEBUG"})


def test_without_debug_an_empty_secret_key_is_refused():
    assert run({}) == "ImproperlyConfigured"


def test_a_secret_key_from_the_environment_is_used():
    assert run({"SECRET_KEY": "from-the-environment"}) == ""


OPTIONS_SCRIPT = (
    "import django; django.setup(); from django.conf import settings\n"
    "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options', ''))\n"
)


def server_options(env: dict[str, str]) -> str:
    return python(OPTIONS_SCRIPT, {"DEBUG": "1", "DATABASE_URL": "postgres://cadre@127.0.0.1:5432/cadre", **env},
                  unset={"POSTGRES_JIT", "POSTGRES_RANDOM_PAGE_COST"})


def test_postgresql_sessions_run_without_jit_and_price_random_reads_for_ssd():
    assert server_options({}) == "-c jit=off -c random_page_cost=1.1"
    assert server_options({"POSTGRES_RANDOM_PAGE_COST": "2"}) == "-c jit=off -c random_page_cost=2.0"
    assert server_options({"POSTGRES_JIT": "1", "POSTGRES_RANDOM_PAGE_COST": ""}) == ""


def test_the_wsgi_application_leaves_its_long_lived_objects_out_of_garbage_collection():
    script = "import gc\nfrom cadre_mgmt.wsgi import application\nprint(gc.get_freeze_count())\n"
    frozen = int(python(script, {"DEBUG": "1"}, unset=set()).split()[-1])
    assert frozen > 10_000  # the apps, models, views and catalogue: about 160,000 objects
