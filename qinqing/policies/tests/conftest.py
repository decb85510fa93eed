from collections.abc import Iterator

import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def huey_immediate() -> Iterator[None]:
    """Tasks run inline (after commit) so tests see their effect."""
    huey = settings.HUEY
    before = huey.immediate
    huey.immediate = True
    yield
    huey.immediate = before


@pytest.fixture(autouse=True)
def fresh_rule_caches() -> Iterator[None]:
    """Ids are reused after each test's rollback; start every test with empty caches."""
    from qinqing.policies import matching

    matching._ACTIVE.clear()
    matching._PARSED.clear()
    yield


@pytest.fixture
def second_officer(district):  # type: ignore[no-untyped-def]
    """Another policy officer: grant lists need a second person to approve (四眼原则)."""
    from qinqing.accounts.models import Role
    from qinqing.conftest import make_user

    return make_user("policy2", role=Role.POLICY_OFFICER, org=district.district, full_name="马审批")
