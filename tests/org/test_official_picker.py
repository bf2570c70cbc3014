"""The official picker (issue 15, item 6): one scoped search endpoint, one field class on every form that picks
officials, no <option> per official in scope on the page, and 请选择 as the empty label everywhere."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.db.models import fields as model_fields
from django.urls import reverse

from common.forms import EMPTY_LABEL
from org.forms.fields import NOT_IN_SCOPE, OfficialChoiceField, OfficialMultipleChoiceField
from org.models import Official
from org.pickers import SEARCH_LIMIT, has_official_scope
from tasks.models import Task
from tests.factories import OfficialFactory
from tests.pickers import picker, picker_values

pytestmark = pytest.mark.django_db

URL = "/officials/search/"


def search(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def test_the_url_is_the_one_the_widget_names():
    assert reverse("org:official_search") == URL


def test_the_search_answers_officials_in_the_forms_scope_only(county, client_for):
    head = client_for(county.head)
    found = search(head, scope="tasks", q="李")
    assert found == {"results": [{"id": county.staff_official.pk, "staff_number": county.staff_official.staff_number,
                                  "name": "李科员", "unit": "旅游发展科", "label": "李科员（旅游发展科）"}],
                     "more": False}
    # Outside the head's subtree: not found, exactly like a name nobody has.
    assert search(head, scope="tasks", q="钱") == search(head, scope="tasks", q="没有这个人") == {
        "results": [], "more": False}
    assert {o["name"] for o in search(head, scope="tasks")["results"]} == {"王局长", "李科员", "赵主任"}
    assert {o["name"] for o in search(client_for(county.orgadmin), scope="tasks", q="钱")["results"]} == {"钱科员"}
    # By staff number too; and a staff member with no role finds only themself.
    assert [o["name"] for o in search(head, scope="tasks", q=county.culture_official.staff_number)["results"]] == [
        "赵主任"]
    assert [o["name"] for o in search(client_for(county.staff), scope="tasks")["results"]] == ["李科员"]


def test_the_search_leaves_out_officials_who_have_left(county, client_for):
    Official.objects.filter(pk=county.culture_official.pk).update(is_active=False)
    assert search(client_for(county.head), scope="tasks", q="赵")["results"] == []


def test_a_unit_narrows_the_search_to_its_subtree(county, client_for):
    head = client_for(county.head)
    assert [o["name"] for o in search(head, scope="tasks", unit=county.culture_tourism.pk)["results"]] == ["李科员"]
    # A unit outside the scope, or none at all, narrows to nobody: the scope still decides.
    assert search(head, scope="tasks", unit=county.finance.pk)["results"] == []
    assert search(head, scope="tasks", unit=999_999)["results"] == []
    assert len(search(head, scope="tasks", unit="x")["results"]) == 3  # not an id: ignored


def test_names_starting_with_the_text_come_first_and_the_list_is_limited(county, client_for):
    for i in range(SEARCH_LIMIT + 5):
        OfficialFactory(name=f"张{i:02d}", unit=county.culture_office)
    OfficialFactory(name="小张", unit=county.culture_office)
    found = search(client_for(county.head), scope="tasks", q="张")
    assert len(found["results"]) == SEARCH_LIMIT and found["more"] is True
    assert [o["name"] for o in found["results"]][:2] == ["张00", "张01"]
    assert "小张" not in [o["name"] for o in found["results"]]
    narrowed = search(client_for(county.head), scope="tasks", q="小张")
    assert [o["name"] for o in narrowed["results"]] == ["小张"] and narrowed["more"] is False


def test_an_unknown_scope_is_404_and_signing_in_is_required(county, client_for, client):
    assert client_for(county.head).get(URL, {"scope": "everyone", "q": "李"}).status_code == 404
    assert client_for(county.head).get(URL, {"q": "李"}).status_code == 404
    assert client.get(URL, {"scope": "tasks"}).status_code == 302  # to the sign-in page


@pytest.mark.parametrize("params", [{"q": "干部"}, {"q": ""}, {"q": "干部", "unit": "WL"}])
def test_the_search_costs_a_constant_number_of_queries(county, client_for, django_assert_num_queries, params):
    if "unit" in params:
        params = {**params, "unit": county.culture.pk}
    for _ in range(30):
        OfficialFactory(unit=county.culture_office)
    client = client_for(county.head)
    client.get(URL, {"scope": "tasks"})  # the session is warm
    # session, user, role grants, own official, (the unit's path,) the officials with their units
    expected = 6 if "unit" in params else 5
    with django_assert_num_queries(expected):
        search(client, scope="tasks", **params)
    for _ in range(300):
        OfficialFactory(unit=county.culture_office)
    with django_assert_num_queries(expected):
        assert len(search(client, scope="tasks", **params)["results"]) == SEARCH_LIMIT


# -- the forms -----------------------------------------------------------------------------------------------

FORM_MODULES = ("org", "tasks", "training", "discipline", "appraisal")
# A decision is recorded for one of the case's subjects (a handful, listed on the case page): a plain list.
PLAIN_OFFICIAL_SELECTS = {("discipline.forms.cases", "DecisionForm", "official")}


def _form_classes():
    for package in FORM_MODULES:
        for info in pkgutil.walk_packages(importlib.import_module(package).__path__, prefix=f"{package}."):
            if ".migrations" in info.name or ".management" in info.name or "tests" in info.name:
                continue
            module = importlib.import_module(info.name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield module.__name__, name, cls


def test_every_form_that_picks_officials_uses_the_picker_with_a_registered_scope():
    pickers = 0
    for module, name, cls in _form_classes():
        for field_name, field in getattr(cls, "base_fields", {}).items():
            if not isinstance(field, forms.ModelChoiceField) or field.queryset.model is not Official:
                continue
            if (module, name, field_name) in PLAIN_OFFICIAL_SELECTS:
                continue
            assert isinstance(field, OfficialChoiceField | OfficialMultipleChoiceField), (module, name, field_name)
            assert has_official_scope(field.scope), (module, name, field_name, field.scope)
            pickers += 1
    # task form (3), letter, session lecturer, case subjects, talk, score entry
    assert pickers == 8


def test_the_task_form_carries_only_the_chosen_officials(county, client_for):
    for _ in range(40):
        OfficialFactory(unit=county.culture_office)
    client = client_for(county.head)
    html = client.get(reverse("tasks:task_create")).content.decode()
    for name in ("leading_leader", "responsible", "members"):
        select = picker(html, name)
        assert picker_values(html, name) == [], name
        assert "data-official-picker" in select.attrs and select.attrs["data-search-url"] == f"{URL}?scope=tasks"
        assert select.attrs["data-value-field"] == "staff_number"
    assert picker(html, "responsible").options == [("", str(EMPTY_LABEL), False)]
    assert "---------" not in html

    data = {"title": "乡村旅游节", "unit": "WL02", "responsible": county.staff_official.staff_number,
            "members": [county.culture_official.staff_number, county.finance_official.staff_number],
            "source": "own_key", "kind": "ad_hoc", "start_date": "2026-05-01", "deadline": "2026-04-01", "weight": "1"}
    kept = client.post(reverse("tasks:task_create"), data)
    assert kept.status_code == 200 and not Task.objects.exists()
    html = kept.content.decode()
    assert picker_values(html, "responsible") == [county.staff_official.staff_number]
    # An official outside the head's scope reads as not found, and is not shown back.
    assert picker_values(html, "members") == [county.culture_official.staff_number]
    assert kept.context["form"].errors["members"] == [str(NOT_IN_SCOPE)]


@pytest.mark.parametrize("bad", ["²", "99999999999999999999999", "-1", "x"])
def test_a_value_that_cannot_be_an_id_reads_as_not_found(county, client_for, bad):
    data = {"kind": "collective_study", "title": "学习", "starts_at": "2026-05-01T09:00", "ends_at": "2026-05-01T11:00",
            "hours": "2", "organiser": county.culture.pk, "audience_units": [county.culture.pk], "lecturer": bad}
    response = client_for(county.head).post(reverse("training:session_create"), data)
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["lecturer"] == [str(NOT_IN_SCOPE)]
    case = {"unit": county.culture.pk, "title": "x", "subjects": [bad], "source": "report", "facts": "y"}
    response = client_for(county.inspector).post(reverse("discipline:case_create"), case)
    assert response.context["form"].errors["subjects"] == [str(NOT_IN_SCOPE)]


def test_the_session_form_no_longer_lists_every_official(county, client_for):
    for _ in range(40):
        OfficialFactory(unit=county.culture_office)
    html = client_for(county.head).get(reverse("training:session_create")).content.decode()
    assert picker_values(html, "lecturer") == []
    assert picker(html, "lecturer").attrs["data-search-url"] == f"{URL}?scope=lecturers"


def test_the_letter_form_narrows_its_official_to_the_recipient_unit(county, client_for):
    html = client_for(county.orgadmin).get(reverse("tasks:letter_create")).content.decode()
    assert picker(html, "recipient_official").attrs["data-unit-field"] == "id_recipient_unit"


def test_the_empty_label_is_please_choose_everywhere():
    field = forms.ModelChoiceField(queryset=Official.objects.none())
    assert field.empty_label == EMPTY_LABEL
    assert model_fields.BLANK_CHOICE_DASH == [("", EMPTY_LABEL)]
    assert Task._meta.get_field("parent").formfield().empty_label == EMPTY_LABEL
    assert str(EMPTY_LABEL) != "---------"
