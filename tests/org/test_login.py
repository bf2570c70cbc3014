"""Sign-in: login, logout, password change, lockout after repeated failures."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-2026"


def login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_chinese():
    body = Client().get(reverse("login")).content.decode()
    assert "登录" in body and "用户名" in body and 'lang="zh-hans"' in body


def test_good_password_signs_in_and_logout_signs_out():
    UserFactory(username="alice")
    client = Client()
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_gets_a_chinese_message():
    UserFactory(username="alice")
    body = login(Client(), "alice", "wrong-password").content.decode()
    assert "请输入一个正确的用户名和密码" in body or "正确的用户名和密码" in body


def test_repeated_failures_lock_the_account_even_with_the_right_password(settings):
    UserFactory(username="alice")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "wrong-password")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in


def test_failures_below_the_limit_do_not_lock(settings):
    UserFactory(username="alice")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "alice", "wrong-password")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_lockout_of_one_user_does_not_lock_another(settings):
    UserFactory(username="alice")
    UserFactory(username="bob")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "wrong-password")
    assert login(client, "bob", PASSWORD).status_code == 302


def test_password_change():
    user = UserFactory(username="alice")
    client = Client()
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "新的密码-Strong-2026", "new_password2": "新的密码-Strong-2026",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("新的密码-Strong-2026")


def test_password_change_keeps_errors_in_chinese():
    user = UserFactory(username="alice")
    client = Client()
    client.force_login(user)
    body = client.post(reverse("password_change"), {
        "old_password": "wrong", "new_password1": "x", "new_password2": "y"}).content.decode()
    assert "旧密码不正确" in body or "原密码" in body or "不正确" in body
