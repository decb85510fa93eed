# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
"""The cadre's check-in page on a 390 px phone in real Chromium, with a faked location."""

import pytest

from qinqing.liaison.models import CheckIn
from qinqing.liaison.tests.conftest import A_LAT, A_LNG
from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    screenshot_dir,
    server,
)

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _open(chromium, server, user, stay, lat, lng):  # type: ignore[no-untyped-def]
    context = logged_in_context(
        chromium,
        server,
        user,
        viewport=PHONE,
        geolocation={"latitude": lat, "longitude": lng},
        permissions=["geolocation"],
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/liaison/stays/{stay.pk}/")
    return page, errors


def test_cadre_checks_in_on_a_phone_and_sees_the_distance(server, chromium, stay, cadre):
    page, errors = _open(chromium, server, cadre, stay, A_LAT + 0.001, A_LNG)
    button = page.get_by_role("button", name="签到")
    assert button.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    button.click()
    status = page.locator("#geo-status")
    status.filter(has_text="签到成功").wait_for(timeout=10_000)
    assert "米" in status.inner_text() and "在 500 米范围内" in status.inner_text()
    page.screenshot(path=str(screenshot_dir() / "liaison-checkin-390.png"), full_page=True)
    assert errors == []
    check = CheckIn.objects.get()
    assert check.in_range is True and 100 < check.distance_m < 120


def test_check_in_far_away_is_flagged_on_the_page(server, chromium, stay, cadre):
    page, errors = _open(chromium, server, cadre, stay, A_LAT + 0.05, A_LNG)
    page.get_by_role("button", name="签到").click()
    status = page.locator("#geo-status")
    status.filter(has_text="超出 500 米范围").wait_for(timeout=10_000)
    assert "warn" in (status.get_attribute("class") or "")
    assert CheckIn.objects.get().in_range is False
    assert errors == []
