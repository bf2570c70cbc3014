"""Discipline fixtures: a case under investigation in the culture bureau about ``staff`` (``kinds`` is in
tests/conftest.py: the Excel export tests use it too)."""

from __future__ import annotations

from datetime import date

import pytest

from discipline.models import Case, DecisionKind
from discipline.services.cases import case_register, case_transition
from tests.conftest import County


@pytest.fixture
def open_case(county: County, kinds: dict[str, DecisionKind]) -> Case:
    """A case registered by the inspector against ``staff`` and moved to investigation."""
    case = case_register(
        by=county.inspector, unit=county.culture, title="违规收受礼品", subjects=[county.staff_official],
        source="report", source_reference="举报〔2026〕3号", facts="群众举报其收受管理对象礼品。",
        registered_on=date(2026, 3, 2),
    )
    return case_transition(by=county.inspector, case=case, to="investigating", comment="开始调查")
