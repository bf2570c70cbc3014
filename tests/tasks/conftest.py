"""Fixtures of the tasks tests: a head of another bureau, who must not act on culture's letters."""

from __future__ import annotations

import pytest

from org.models import User
from tests.conftest import County
from tests.factories import RoleGrantFactory, UserFactory


@pytest.fixture
def finance_head(county: County) -> User:
    """The head of the finance bureau: another unit's head, who must not act on culture's letters."""
    user = UserFactory(username="finhead")
    RoleGrantFactory(user=user, unit=county.finance, role="head")
    return user
