"""The selects rendered in Python (``common.widgets``) give the HTML Django's templates give: the same
attributes, groups, selected options and escaping, single and multiple; and the unit pickers use them."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from common.widgets import FastSelect, FastSelectMultiple, fast_select, filter_select
from org.forms.fields import UnitChoiceField, UnitMultipleChoiceField
from org.models import OrgUnit

CHOICES = [("", "请选择"), ("a", "甲 <b>&"), ("组", [("b", "乙"), ("c", "丙\"")]), (3, "三")]


@pytest.mark.parametrize("value", [None, "a", "c", 3, "x"])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-select", "data-testid": "u", "required": True,
                                        "disabled": False, "id": "id_u"}])
def test_a_select_renders_as_djangos(value, attrs):
    django = forms.Select(attrs=attrs, choices=CHOICES).render("unit", value)
    fast = FastSelect(attrs=attrs, choices=CHOICES).render("unit", value)
    assert parse_html(fast) == parse_html(django)
    assert "&lt;b&gt;&amp;" in fast


@pytest.mark.parametrize("value", [[], ["a"], ["b", 3]])
def test_a_multiple_select_renders_as_djangos(value):
    django = forms.SelectMultiple(attrs={"size": 8}, choices=CHOICES).render("units", value)
    fast = FastSelectMultiple(attrs={"size": 8}, choices=CHOICES).render("units", value)
    assert parse_html(fast) == parse_html(django)
    assert "multiple" in fast


def test_plain_selects_given_to_the_unit_fields_become_fast_and_others_stay(county):
    units = OrgUnit.objects.order_by("path")
    one = UnitChoiceField(queryset=units, widget=forms.Select(attrs={"data-testid": "x"}))
    many = UnitMultipleChoiceField(queryset=units, widget=forms.SelectMultiple(attrs={"size": 8}))
    assert type(one.widget) is FastSelect and one.widget.attrs == {"data-testid": "x"}
    assert type(many.widget) is FastSelectMultiple and many.widget.attrs == {"size": 8}
    assert type(UnitChoiceField(queryset=units).widget) is FastSelect
    radio = forms.RadioSelect()
    assert fast_select(radio) is radio
    html = one.widget.render("unit", county.culture.pk)
    assert f'<option value="{county.culture.pk}" selected>' in html and "　" in html  # indented by depth


def test_a_filter_menu_starts_with_all_and_keeps_the_choice(county, client_for):
    html = filter_select("unit", "WL", [("CZ", "财政局"), ("WL", "文旅局 <&>")], empty_label="全部单位",
                         attrs={"class": "form-select", "id": "f-unit"})
    assert html.startswith('<select name="unit" class="form-select" id="f-unit"><option value="">全部单位</option>')
    assert '<option value="WL" selected>文旅局 &lt;&amp;&gt;</option>' in html
    body = client_for(county.head).get("/tasks/board/", {"unit": "WL"}).content.decode()
    assert '<option value="WL" selected>' in body and 'id="f-leader"' in body


def test_the_options_tag_renders_escaped_options_and_marks_the_chosen_one(county):
    from django.template import Context, Template

    units = [OrgUnit(code="CZ", name="财政局"), OrgUnit(code="WL", name="文旅局 <&>")]
    tag = Template('{% load menus %}{% options units "code" "name" chosen %}')
    html = tag.render(Context({"units": units, "chosen": "WL"}))
    assert html == '<option value="CZ">财政局</option><option value="WL" selected>文旅局 &lt;&amp;&gt;</option>'
    assert "selected" not in tag.render(Context({"units": units, "chosen": None}))
    assert "selected" not in tag.render(Context({"units": units, "chosen": ""}))


def test_the_options_tag_takes_value_label_pairs():
    from django.template import Context, Template

    tag = Template('{% load menus %}{% options pairs chosen=chosen %}')
    html = tag.render(Context({"pairs": [("CZ", "财政局"), ("CZ01", "　办公室")], "chosen": "CZ01"}))
    assert html == '<option value="CZ">财政局</option><option value="CZ01" selected>　办公室</option>'
