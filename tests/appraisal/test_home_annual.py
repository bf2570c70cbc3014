"""The annual procedure's lines on the home page: the head's 评语 to write, the units whose grades the organization
department confirms, the official's written notice to sign — each count the length of the list it opens."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import GradeDecision, Stage
from appraisal.services.comments import comment_write
from tests.appraisal.annual_helpers import to_stage
from tests.appraisal.factories import ScorecardFactory, staff_in
from tests.home_world import todo_items


@pytest.fixture
def culture(county):
    for person, total in ((county.staff_official, 96), (county.culture_official, 85), (county.head_official, 88)):
        ScorecardFactory(official=person, unit=county.culture, total=Decimal(total))
    staff_in(county.culture_office, county.culture, [91, 80, 75])
    return county.culture


def test_the_head_sees_the_comments_still_to_write(county, culture, client_for):
    procedure = to_stage(county, culture, Stage.COMMENTS)
    item = todo_items(county.head)["head"][f"comments-{procedure.pk}"]
    assert item.label == "待写评语：文化和旅游局 2026 年度"
    listed = client_for(county.head).get(item.url)
    assert listed.context["page"].paginator.count == item.count == 6
    grade = GradeDecision.objects.get(period__key="2026", official=county.staff_official)
    comment_write(grade=grade, by=county.head, comment="工作扎实，按期完成各项任务。")
    assert todo_items(county.head)["head"][f"comments-{procedure.pk}"].count == 5
    assert not any(key.startswith("comments") for key in todo_items(county.orgadmin).get("head", {}))


def test_the_organization_department_sees_the_units_to_confirm(county, culture, client_for):
    to_stage(county, culture, Stage.CONFIRMATION)
    item = todo_items(county.orgadmin)["org"]["confirm-2026"]
    assert item.count == 1 and item.url == f"{reverse('appraisal:procedure_list')}?period=2026&stage=confirmation"
    listed = client_for(county.orgadmin).get(item.url)
    assert listed.context["page"].paginator.count == 1 and 'data-testid="list-focus"' in listed.content.decode()
    assert "confirm-2026" not in todo_items(county.head).get("head", {})


def test_the_official_sees_the_written_notice_to_sign(county, culture, client_for):
    to_stage(county, culture, Stage.FINAL)
    item = todo_items(county.staff)["staff"]["sign"]
    assert item.count == 1 and item.to_do and "请于" in item.note
    notice = client_for(county.staff).get(item.url)
    assert notice.status_code == 200 and notice.resolver_match.url_name == "grade_notice_detail"
