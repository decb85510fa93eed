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
