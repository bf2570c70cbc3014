"""The world the API-wide checks run in: the demo county, built by ``seed_demo`` (so every kind of object the
demo builders make is there, including the kinds apps add later), a neighbouring county outside every demo
role's scope, and an API token for each demo role, for a superuser (who sees every object) and for a signed-in
user with no role.

The world is built once per test module, inside a transaction rolled back at the end; each test runs in a
savepoint of it (pytest-django's ``db``), so what one test writes is gone before the next.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from org.models import Official, OrgUnit, RoleGrant, UnitKind, User
from org.services import unit_create

# The four demo roles, by the demo login that holds each.
ROLES = {"staff": "staff", "head": "head", "org": "orgadmin", "discipline": "inspector"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@functools.cache
def openapi_schema() -> dict[str, Any]:
    """The OpenAPI schema as served at /api/schema/ (plain JSON types); callers must not change it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


@dataclass
class ApiWorld:
    tokens: dict[str, str]  # demo role -> API token
    superuser_token: str
    outsider_token: str  # signed in, no role, no official
    neighbour: OrgUnit  # the root of the neighbouring county
    _clients: dict[str, APIClient] = field(default_factory=dict)

    def client(self, who: str | None) -> APIClient:
        """A client authenticated by token as a demo role, ``"superuser"``, ``"outsider"``, or anonymous (None)."""
        key = who or "anonymous"
        if key not in self._clients:
            client = APIClient(raise_request_exception=False)
            token = {"superuser": self.superuser_token, "outsider": self.outsider_token}.get(key)
            token = token or self.tokens.get(key)
            if token:
                client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            self._clients[key] = client
        return self._clients[key]


def _move_a_bureau_to_a_neighbouring_county() -> OrgUnit:
    """Move the busiest bureau none of the demo logins works in or holds a role on under a second root: its
    officials and everything about them (tasks, reports, cases, scores…) are then outside every demo role."""
    root = OrgUnit.objects.get(depth=1)
    mine = [
        *RoleGrant.objects.filter(user__username__in=ROLES.values()).values_list("unit__path", flat=True),
        *Official.objects.filter(user__username__in=ROLES.values()).values_list("unit__path", flat=True),
    ]
    bureaus = OrgUnit.objects.filter(depth=2).exclude(code__in=["ORG", "JW"])
    for path in mine:
        bureaus = bureaus.exclude(Q(path=path[: 2 * OrgUnit.steplen]))
    sizes = {b: Official.objects.filter(unit__path__startswith=b.path).count() for b in bureaus.order_by("code")}
    assert sizes, "the demo has no bureau outside the demo logins' units"
    bureau = max(sizes, key=lambda b: sizes[b])
    neighbour = unit_create(parent=None, name="邻县", code="LX", kind=UnitKind.OTHER, sort_order=root.sort_order + 1)
    bureau.refresh_from_db()
    bureau.move(neighbour, "sorted-child")
    neighbour.refresh_from_db()
    assert Official.objects.filter(unit__path__startswith=neighbour.path).count() == sizes[bureau] > 0
    return neighbour


@pytest.fixture(scope="module")
def api_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[ApiWorld]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", officials=30, stdout=StringIO())
            neighbour = _move_a_bureau_to_a_neighbouring_county()
            superuser = User.objects.create_user("api-superuser", is_superuser=True, is_staff=True)
            outsider = User.objects.create_user("api-outsider")
            tokens = {role: Token.objects.create(user=User.objects.get(username=login)).key
                      for role, login in ROLES.items()}
            yield ApiWorld(tokens=tokens, superuser_token=Token.objects.create(user=superuser).key,
                           outsider_token=Token.objects.create(user=outsider).key, neighbour=neighbour)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def list_values(client: APIClient, path: str, name: str, *, pages: int = 20) -> list[Any]:
    """The ``name`` of every row a list answers to this client (following its pages)."""
    values: list[Any] = []
    url: str | None = path
    params: dict[str, Any] | None = {"page_size": 500}
    for _ in range(pages):
        if url is None:
            break
        response = client.get(url, params)
        if response.status_code != 200:
            break
        body = response.json()
        rows = body.get("results", []) if isinstance(body, dict) else body
        values.extend(row[name] for row in rows if isinstance(row, dict) and name in row)
        url, params = (body.get("next") if isinstance(body, dict) else None), None
    return values
