"""Smaller hardening findings (issue 14, item 9): the admin is invisible to non-staff, the API schema and its
browser need a login, the password-length message is Chinese, HSTS preload is a setting."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/org/official/"])
def test_the_admin_answers_404_to_anyone_who_is_not_staff(county, client_for, path):
    assert Client().get(path).status_code == 404
    assert client_for(county.orgadmin).get(path).status_code == 404  # a role is not staff
    county.orgadmin.is_staff = county.orgadmin.is_superuser = True
    county.orgadmin.save()
    assert client_for(county.orgadmin).get(path).status_code in (200, 302)


def test_the_api_schema_and_docs_need_a_login(county, client_for):
    anonymous = Client()
    assert anonymous.get("/api/schema/").status_code in (401, 403)
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]
    assert client_for(county.staff).get("/api/schema/").status_code == 200


def test_a_short_password_is_refused_in_chinese(db):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("abc123xyz")
    assert refused.value.messages[0] == "密码太短：至少使用 10 个字符。"


def test_hsts_preload_and_subdomains_are_settings():
    script = ("import django; django.setup(); from django.conf import settings\n"
              "print(settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)")
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "cadre_mgmt.settings", "SECRET_KEY": "x" * 50,
                "SECURE_HSTS_PRELOAD": "1", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"})
    done = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip().splitlines()[-1] == "True True"
