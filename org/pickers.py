"""The official picker's scopes and search: one search over the officials a form may choose from.

Every form that picks officials names a *scope* — who may be chosen there, for the user filling it in — which
the app owning the form registers here (from its ``AppConfig.ready()``: ``org`` at the bottom knows no fact
app). The form's field validates against the scope's queryset and the search endpoint
(``org:official_search``) answers from the same queryset, so what the picker offers and what the form accepts
cannot differ. An official outside the scope is simply absent from both, exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from common.filters import as_id
from org.models import Official, OrgUnit, User
from org.selectors import subtree_q

OfficialScope = Callable[[User | AnonymousUser], QuerySet[Official]]

SEARCH_LIMIT = 20  # a page of the picker's list; typing more of a name narrows it
QUERY_MAX_LENGTH = 50  # longer than any name or staff number

_SCOPES: dict[str, OfficialScope] = {}


def register_official_scope(name: str, scope: OfficialScope) -> None:
    """Name who may be chosen on a form: ``scope(user)`` is the queryset of choosable officials."""
    _SCOPES[name] = scope


def has_official_scope(name: str) -> bool:
    return name in _SCOPES


def official_scope(name: str, user: User | AnonymousUser) -> QuerySet[Official]:
    """The officials ``user`` may choose on a form of scope ``name`` (a KeyError for an unknown name)."""
    return _SCOPES[name](user)


@dataclass(frozen=True)
class SearchResult:
    officials: list[Official]
    more: bool  # more officials match than are listed


def search_officials(qs: QuerySet[Official], text: str, *, unit_id: int | None = None,
                     limit: int = SEARCH_LIMIT) -> SearchResult:
    """Up to ``limit`` officials of ``qs`` whose name or staff number contains ``text`` (all of them when it is
    empty), optionally within a unit's subtree. Names starting with the text come first, then staff numbers
    starting with it, then the rest; without a text, in tree order. Two queries at most, whatever the size."""
    text = text.strip()[:QUERY_MAX_LENGTH]
    if unit_id is not None:
        path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
        qs = qs.filter(subtree_q([path], "unit__")) if path is not None else qs.none()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(staff_number__icontains=text)).annotate(
            match=Case(When(name__startswith=text, then=Value(0)), When(staff_number__startswith=text, then=Value(1)),
                       default=Value(2), output_field=IntegerField()),
        ).order_by("match", "name", "staff_number", "pk")
    else:
        qs = qs.order_by("unit__path", "name", "staff_number", "pk")
    found = list(qs.select_related("unit")[:limit + 1])
    return SearchResult(officials=found[:limit], more=len(found) > limit)


def chosen_officials(qs: QuerySet[Official], values: Iterable[str], *, key: str = "pk") -> list[Official]:
    """The officials of ``qs`` whose ``key`` (the field's ``to_field_name``, or the id) is one of ``values``, with
    their unit, in the order chosen: what a picker shows as chosen. One query; none when nothing is chosen."""
    wanted = [str(v) for v in values if v not in (None, "")]
    if key == "pk":  # whatever was typed into the query string or posted: only real ids reach the query
        wanted = [v for v in wanted if as_id(v) is not None and str(as_id(v)) == v]
    if not wanted:
        return []
    found = {str(getattr(o, key)): o for o in qs.filter(**{f"{key}__in": wanted}).select_related("unit")}
    return [found[v] for v in dict.fromkeys(wanted) if v in found]


def option_data(official: Official) -> dict[str, object]:
    """One official as the picker lists it: the search answers these keys, a chosen <option> carries them."""
    return {"id": official.pk, "staff_number": official.staff_number, "name": official.name,
            "unit": official.unit.name, "label": official_label(official)}


def official_label(official: Official) -> str:
    """How a chosen official reads on a form: the name, with the unit to tell namesakes apart."""
    return f"{official.name}（{official.unit.name}）"
