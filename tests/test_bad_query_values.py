"""No page answers 500 to a malformed number in its query string.

Ids and years were read with ``str.isdigit``, which accepts "²" (``int`` then raises) and numbers too large for
the database (SQLite overflows), and ``?year=0`` reached a ``__year`` lookup. Every page without arguments is
requested as a superuser with each query parameter the pages read set to each bad value.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETERS = ["year", "notice", "task", "recipient_unit", "parent", "unit", "subjects", "decision", "case",
              "official", "period", "page", "month", "round", "status", "kind"]
BAD_VALUES = ["²", "0", "-1", "99999999999999999999999", "1e400"]


def plain_paths(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    paths = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            paths += plain_paths(entry, route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(" not in route and "^" not in route:
            paths.append("/" + route)
    return sorted(set(paths))


def test_no_page_answers_500_to_a_malformed_number(county, client):
    county.orgadmin.is_superuser = True
    county.orgadmin.save()
    client.raise_request_exception = False
    client.force_login(county.orgadmin)
    pages = [p for p in plain_paths() if not p.startswith(("/admin", "/api/", "/accounts/logout", "/healthz"))]
    assert len(pages) > 50
    failures = []
    for path in pages:
        for value in BAD_VALUES:
            response = client.get(path, {name: value for name in PARAMETERS})
            if response.status_code >= 500:
                failures.append((path, value, response.status_code))
    assert failures == [], "\n".join(map(str, failures))
