# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
import datetime as dt

import pytest
from django.utils import timezone

from qinqing.analytics import cockpit
from qinqing.analytics.tests.test_cockpit import make_appeal
from qinqing.appeals.models import Category
from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    screenshot_dir,
    server,
)
from qinqing.ratings.tests.factories import make_rating

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas are created with passwords; the production hasher costs ~0.5 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _seed(district):
    cat = Category.objects.create(code="C1", name="用电用水")
    tax = Category.objects.create(code="C2", name="税费")
    for i in range(12):
        make_appeal(
            district.district if i % 3 else district.street,
            district.dept if i % 2 else district.other_dept,
            category=cat if i % 2 else tax,
            ack_on_time=i % 4 != 0,
            closed_on_time=i % 5 != 0,
            callback_solved=i % 6 != 0,
            rating="satisfied" if i % 3 else "basic",
        )
    for level in (5, 5, 4, 3, 2):
        make_rating(district.dept, level)
    make_rating(district.other_dept, 5)
    today = timezone.localdate()
    cockpit.refresh_rollups(today - dt.timedelta(days=5), today)


def test_cockpit_renders_its_charts_on_a_1080p_screen(server, chromium, district, leader):  # noqa: F811
    _seed(district)
    context = logged_in_context(chromium, server, leader, viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium asks for /favicon.ico by itself; failed page resources show up as responses.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{server.url}/analytics/cockpit/")
    page.wait_for_selector("#chart-trend canvas")
    for chart in ("trend", "ranking", "division", "category", "ratings"):
        assert page.locator(f"#chart-{chart} canvas").count() >= 1, chart
    assert page.inner_text('[data-kpi="appeal_received"]') == "12"
    # The overview fits the screen: nothing to scroll.
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    page.wait_for_timeout(600)  # let the chart animation finish before the screenshot
    page.screenshot(path=str(screenshot_dir() / "cockpit-1080p.png"))
    assert errors == []
    context.close()


def test_cockpit_on_a_phone_stacks_the_panels(server, chromium, district, dept_head):  # noqa: F811
    _seed(district)
    context = logged_in_context(chromium, server, dept_head, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{server.url}/analytics/cockpit/")
    page.wait_for_selector("#chart-ranking canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(screenshot_dir() / "cockpit-phone.png"), full_page=True)
    context.close()
