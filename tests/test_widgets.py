"""Every select is built in Python (``common.widgets.FormRenderer``, the project's ``FORM_RENDERER``) and gives
the HTML Django's templates give: the same attributes, groups, selected options and escaping, single and multiple;
a widget with its own option template keeps Django's rendering; the menus templates build
(``{% options %}``) likewise."""

from __future__ import annotations

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from common.widgets import FormRenderer, LeanSelect, LeanSelectMultiple
from org.forms.fields import UnitChoiceField, UnitMultipleChoiceField
from org.models import OrgUnit

CHOICES = [("", "请选择"), ("a", "甲 <b>&"), ("组", [("b", "乙"), ("c", "丙\"")]), (3, "三"), (None, "无")]
DJANGO = DjangoTemplates()


def test_the_project_renders_forms_with_it():
    assert settings.FORM_RENDERER == "common.widgets.FormRenderer"


@pytest.mark.parametrize("value", [None, "a", "c", 3, "x"])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-select", "data-testid": "u", "required": True,
                                        "disabled": False, "id": "id_u", "data-n": None}])
def test_a_select_renders_as_djangos(value, attrs):
    widget = forms.Select(attrs=attrs, choices=CHOICES)
    fast = widget.render("unit", value, renderer=FormRenderer())
    assert parse_html(fast) == parse_html(widget.render("unit", value, renderer=DJANGO))
    assert "&lt;b&gt;&amp;" in fast and "<option" in fast and "\n" not in fast  # built in Python, not the template


@pytest.mark.parametrize("value", [[], ["a"], ["b", 3]])
def test_a_multiple_select_renders_as_djangos(value):
    widget = forms.SelectMultiple(attrs={"size": 8}, choices=CHOICES)
    fast = widget.render("units", value, renderer=FormRenderer())
    assert parse_html(fast) == parse_html(widget.render("units", value, renderer=DJANGO))
    assert " multiple" in fast


FLAT = [c for c in CHOICES if not isinstance(c[1], list) and c[0] is not None]  # what a unit menu holds


@pytest.mark.parametrize("value", [None, "", "a", 3, "x"])
@pytest.mark.parametrize("attrs", [{}, {"class": "form-select", "data-testid": "u", "required": True,
                                        "disabled": False, "id": "id_u"}])
def test_a_lean_select_renders_as_djangos(value, attrs):
    lean = LeanSelect(attrs=attrs, choices=FLAT).render("unit", value, renderer=FormRenderer())
    assert parse_html(lean) == parse_html(forms.Select(attrs=attrs, choices=FLAT).render("unit", value,
                                                                                          renderer=DJANGO))


@pytest.mark.parametrize("value", [[], ["a"], ["a", 3]])
def test_a_lean_multiple_select_renders_as_djangos(value):
    lean = LeanSelectMultiple(attrs={"size": 8}, choices=FLAT).render("units", value, renderer=FormRenderer())
    django = forms.SelectMultiple(attrs={"size": 8}, choices=FLAT).render("units", value, renderer=DJANGO)
    assert parse_html(lean) == parse_html(django) and " multiple" in lean


def test_unit_fields_render_lean_even_with_the_forms_own_select(county):
    class Form(forms.Form):
        unit = UnitChoiceField(queryset=OrgUnit.objects.order_by("path"), to_field_name="code",
                               widget=forms.Select(attrs={"data-testid": "u"}))
        units = UnitMultipleChoiceField(queryset=OrgUnit.objects.order_by("path"))

    form = Form(initial={"unit": "WL", "units": [county.finance.pk]})
    assert isinstance(form.fields["unit"].widget, LeanSelect)
    assert isinstance(form.fields["units"].widget, LeanSelectMultiple)
    html = str(form["unit"]) + str(form["units"])
    assert '<option value="WL" selected>' in html and 'data-testid="u"' in html
    assert f'<option value="{county.finance.pk}" selected>' in html and " multiple" in html


def test_a_widget_with_its_own_option_template_keeps_djangos_rendering():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    html = Custom(choices=[("a", "甲")]).render("x", "a", renderer=FormRenderer())
    assert "<option" not in html and "<input" in html


def test_a_unit_field_on_a_form_lists_the_units_indented(county):
    class Form(forms.Form):
        unit = UnitChoiceField(queryset=OrgUnit.objects.order_by("path"))

    html = str(Form(initial={"unit": county.culture.pk})["unit"])
    assert f'<option value="{county.culture.pk}" selected>' in html and "　" in html and "\n" not in html


def test_the_task_boards_menus_start_with_all_and_keep_the_choice(county, client_for):
    body = client_for(county.head).get("/tasks/board/", {"unit": "WL"}).content.decode()
    assert 'id="f-unit"><option value="">' in body and '<option value="WL" selected>' in body
    assert 'id="f-leader"><option value="">' in body


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
