# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
"""The ranking and a unit's lines on a phone (390 px) and a desk (1280 px) in Chromium:
the page itself never scrolls sideways; wide tables scroll inside their frame."""

import datetime as dt

import pytest
import time_machine

from qinqing.assessment import freezing
from qinqing.assessment.luohe import seed_luohe
from qinqing.assessment.models import Dimension, Indicator, Scheme
from qinqing.assessment.yongchuan import seed_yongchuan
from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    screenshot_dir,
    server,
)

pytestmark = [pytest.mark.browser, needs_chromium]


# the live server needs committed rows: the templates are seeded outside a test transaction
@pytest.fixture(autouse=True)
def yongchuan_scheme(transactional_db):  # type: ignore[no-untyped-def]
    return seed_yongchuan(Scheme, Indicator)


@pytest.fixture(autouse=True)
def luohe_scheme(transactional_db):  # type: ignore[no-untyped-def]
    return seed_luohe(Scheme, Dimension, Indicator)


@pytest.mark.parametrize("width", [390, 1280])
def test_leader_reads_the_frozen_ranking_and_a_units_lines(
    server, chromium, district, leader, supervisor, luohe_scheme, width
):  # noqa: F811
    with time_machine.travel(dt.datetime(2026, 4, 20, 2, tzinfo=dt.UTC), tick=False):
        freezing.freeze_month(luohe_scheme, month=dt.date(2026, 3, 1), actor=supervisor)
    context = logged_in_context(chromium, server, leader, viewport={"width": width, "height": 844})
    page = context.new_page()
    query = f"?scheme={luohe_scheme.pk}&year=2026&month=3"
    page.goto(f"{server.url}/assessment/{query}")
    assert page.locator("[data-status=frozen]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(screenshot_dir() / f"assessment-ranking-{width}.png"))
    page.click(f"text={district.dept.name}")
    page.wait_for_load_state()
    assert page.locator("tr[data-code=L06]").count() == 1
    assert page.locator("tr[data-code]").count() == 21  # a general unit: not L16 and L18
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
