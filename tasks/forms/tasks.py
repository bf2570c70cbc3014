"""Forms and filters of the task pages; the filter is shared with the API so both answer alike."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.excel import cell_date
from common.filters import as_id
from common.forms import limit_choices
from common.text_limits import LONG, NOTE, LimitedFormField, limit_of, too_long
from org.forms.fields import OfficialChoiceField, OfficialMultipleChoiceField, UnitChoiceField
from org.models import Official, OrgUnit
from tasks.models import MAX_MILESTONES, OPEN_STATUSES, LoopStage, Milestone, Task, TaskKind, TaskSource, TaskStatus
from tasks.pickers import TASK_OFFICIALS
from tasks.selectors.tasks import in_unit_subtree, order_by_urgency, overdue_q


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs["class"] = "form-select form-select-sm"
        else:
            widget.attrs["class"] = "form-control form-control-sm"


class TaskForm(forms.Form):
    """Create or edit a task (heads). Choices are limited to the head's scope by the view."""

    title = LimitedFormField(label=_("Task"), max_length=200)
    goal = LimitedFormField(label=_("Goal and standard"), required=False, max_length=LONG,
                            widget=forms.Textarea(attrs={"rows": 2}))
    description = LimitedFormField(label=_("Description"), required=False, max_length=LONG,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), to_field_name="code")
    leading_leader = OfficialChoiceField(scope=TASK_OFFICIALS, label=_("Leading leader"), required=False,
                                         to_field_name="staff_number")
    responsible = OfficialChoiceField(scope=TASK_OFFICIALS, label=_("Responsible official"),
                                      to_field_name="staff_number")
    members = OfficialMultipleChoiceField(scope=TASK_OFFICIALS, label=_("Task group"), required=False,
                                          to_field_name="staff_number",
                                          help_text=_("Others who work on the task with the responsible official."))
    source = forms.ChoiceField(label=_("Source"), choices=TaskSource.choices, initial=TaskSource.OWN_KEY)
    source_ref = LimitedFormField(label=_("Source reference"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices, initial=TaskKind.AD_HOC)
    is_key_project = forms.BooleanField(label=_("Key project"), required=False)
    # ``<input type=date>`` only takes ISO dates, whatever the locale's display format.
    start_date = forms.DateField(label=_("Starts on"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=5, decimal_places=2, initial=1)
    parent = forms.ModelChoiceField(label=_("Parent task"), queryset=Task.objects.none(), required=False)
    milestones = LimitedFormField(
        label=_("Milestones"), required=False, max_length=LONG, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name and due date, e.g. 开工 2026-05-01."),
    )

    # The five clarities (五明确) a task must state, in the order a head thinks them through; the form shows its
    # fields under these headings (the task's source, kind and place in a larger task go with the task).
    CLARITIES = (
        (_("Task"), ("title", "description", "unit", "source", "source_ref", "kind", "is_key_project", "parent",
                     "weight")),
        (_("Standard"), ("goal",)),
        (_("Time limit"), ("start_date", "deadline", "milestones")),
        (_("Leading leader"), ("leading_leader",)),
        (_("Responsible official"), ("responsible", "members")),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], officials: QuerySet[Official],
                 parents: QuerySet[Task], with_milestones: bool = True, **kwargs: Any) -> None:
        """``officials``: whom the head may choose, ``tasks.pickers.task_officials(user)`` (what the picker
        searches)."""
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", units)
        for name in ("leading_leader", "responsible", "members"):
            limit_choices(self, name, officials)
        limit_choices(self, "parent", parents)
        if not with_milestones:
            del self.fields["milestones"]
        self.fields["start_date"].initial = timezone.localdate()
        _style(self)

    def clarities(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields grouped under the five clarities, for the template."""
        return [(str(title), [self[name] for name in names if name in self.fields])
                for title, names in self.CLARITIES]

    def clean_milestones(self) -> list[dict[str, Any]]:
        items = []
        for number, line in enumerate(self.cleaned_data.get("milestones", "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            name, _sep, when = line.rpartition(" ")
            try:
                due = cell_date(when)
            except ValueError:
                due = None
            if not name.strip() or due is None:
                raise forms.ValidationError(_("Line %(n)s: write a name and a date such as 开工 2026-05-01.")
                                            % {"n": number})
            problem = too_long(name.strip(), limit_of(Milestone, "name"))
            if problem:
                raise forms.ValidationError(_("Line %(n)s: %(problem)s") % {"n": number, "problem": problem})
            items.append({"name": name.strip(), "due_date": due})
        if len(items) > MAX_MILESTONES:
            raise forms.ValidationError(_("A task may have at most %(n)s milestones.") % {"n": MAX_MILESTONES})
        return items

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, deadline = data.get("start_date"), data.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", _("The deadline cannot be before the start date."))
        return data


class _WithRectification(forms.Form):
    """A progress form whose ``rectification_note`` is asked only on a task with a closed loop (整改闭环)."""

    def __init__(self, *args: Any, with_rectification: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_rectification:
            del self.fields["rectification_note"]
        _style(self)


class ProgressForm(_WithRectification):
    progress = forms.IntegerField(label=_("Progress %"), min_value=0, max_value=100)
    note = LimitedFormField(label=_("Note"), max_length=100, required=False)
    rectification_note = LimitedFormField(label=_("Rectification note"), required=False, max_length=NOTE,
                                         widget=forms.Textarea(attrs={"rows": 2}))


class WeeklyUpdateForm(_WithRectification):
    progress = forms.IntegerField(label=_("Progress %"), min_value=0, max_value=100)
    done = LimitedFormField(label=_("What was done"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3}))
    problems = LimitedFormField(label=_("Problems"), required=False, max_length=NOTE,
                                widget=forms.Textarea(attrs={"rows": 2}))
    help_needed = LimitedFormField(label=_("Help needed"), required=False, max_length=NOTE,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    rectification_note = LimitedFormField(label=_("Rectification note"), required=False, max_length=NOTE,
                                         widget=forms.Textarea(attrs={"rows": 2}))


class LoopAdvanceForm(forms.Form):
    stage = forms.ChoiceField(choices=LoopStage.choices)
    note = LimitedFormField(label=_("Rectification note"), required=False, max_length=NOTE,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TaskImportForm(forms.Form):
    file = forms.FileField(label=_("Task list workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}))


# -- filters ---------------------------------------------------------------------------------------------
SORTS = {
    "deadline": ("deadline", "id"), "-deadline": ("-deadline", "-id"),
    "progress": ("progress", "deadline", "id"), "-progress": ("-progress", "deadline", "id"),
    "status": ("status", "deadline", "id"),
}


class TaskFilter(django_filters.FilterSet):
    """Filters of the task board and ``/api/v1/tasks/``; ``unit`` is a code and covers the subtree."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskStatus.choices, empty_label=_("All"))
    unit = django_filters.CharFilter(label=_("Unit (with sub-units)"), method="filter_unit")
    leader = django_filters.CharFilter(label=_("Leading leader"), method="filter_leader")
    responsible = django_filters.CharFilter(label=_("Responsible official"), method="filter_responsible")
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue",
                                           widget=forms.CheckboxInput)
    key_project = django_filters.BooleanFilter(label=_("Key projects only"), field_name="is_key_project",
                                               method="filter_key", widget=forms.CheckboxInput)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=TaskSource.choices, empty_label=_("All"))
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="filter_sort", empty_label=None,
        choices=(("deadline", _("Deadline, earliest first")), ("-deadline", _("Deadline, latest first")),
                 ("progress", _("Progress, lowest first")), ("-progress", _("Progress, highest first")),
                 ("status", _("Status"))),
    )

    class Meta:
        model = Task
        fields = ["q", "status", "unit", "leader", "responsible", "overdue", "key_project", "source", "sort"]

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def filter_search(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(source_ref__icontains=value)) if value else queryset

    def filter_unit(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return in_unit_subtree(queryset, value)

    def filter_leader(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.filter(_official_q("leading_leader", value))

    def filter_responsible(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.filter(_official_q("responsible", value))

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if not value:
            return queryset
        return queryset.filter(overdue_q(self.today))

    def filter_key(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        return queryset.filter(is_key_project=True) if value else queryset

    def filter_sort(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return queryset.order_by(*SORTS.get(value, SORTS["deadline"]))


def _official_q(relation: str, value: str) -> Q:
    """Match an official by staff number, or by id when the value is a number."""
    value = value.strip()
    q = Q(**{f"{relation}__staff_number": value})
    official_id = as_id(value)
    if official_id is not None:
        q |= Q(**{f"{relation}_id": official_id})
    return q


# -- the board -------------------------------------------------------------------------------------------
OPEN = "open"
URGENCY = "urgency"


class BoardFilter(TaskFilter):
    """The heads' board: the API's filters, plus "open" as a status (the board opens on it) and "most urgent
    first" as an order (its default)."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), method="filter_status", empty_label=_("All"),
        choices=((OPEN, _("Open (in progress, not started, overdue)")), *TaskStatus.choices))
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), method="filter_sort", empty_label=None,
        choices=((URGENCY, _("Most urgent first")), *TaskFilter.base_filters["sort"].extra["choices"]))

    # The board opens on the work in hand, most urgent first; "All" (status=) shows everything.
    DEFAULTS = {"status": OPEN, "sort": URGENCY}

    def filter_status(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value) if value else queryset

    def filter_sort(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        if value in ("", URGENCY):
            return order_by_urgency(queryset, self.today)
        return super().filter_sort(queryset, name, value)
