# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
import pytest

from qinqing.ratings.models import Rating
from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    screenshot_dir,
    server,
)
from qinqing.ratings.tests.factories import make_event

pytestmark = [pytest.mark.browser, needs_chromium]


def test_person_served_submits_a_rating_in_the_browser(
    server, chromium, district, enterprise_user_a
):  # noqa: F811
    event = make_event(district.dept, served_user=enterprise_user_a, matter="用电报装")
    context = logged_in_context(
        chromium, server, enterprise_user_a, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{server.url}/ratings/mine/")
    page.get_by_text("用电报装").click()
    page.locator('input[name="level"][value="2"]').check()
    page.locator('input[name="tags"][value="办理慢"]').check()
    page.fill('textarea[name="comment"]', "等了两个小时")
    page.locator("#rating-form button[type=submit]").click()
    page.wait_for_selector("#given-rating")
    assert "不满意" in page.inner_text("#given-rating")
    page.screenshot(path=str(screenshot_dir() / "rating-submitted.png"), full_page=True)
    rating = Rating.objects.get(event=event)
    assert rating.level == 2 and rating.tags == ["办理慢"] and rating.rectification is not None
    assert errors == []
    context.close()


def test_window_qr_page_rates_anonymously(server, chromium, district):  # noqa: F811
    from qinqing.ratings.services import ensure_rating_point

    point = ensure_rating_point(district.window)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{server.url}/ratings/w/{point.token}/")
    page.locator('input[name="level"][value="5"]').check()
    page.locator("#rating-form button[type=submit]").click()
    page.wait_for_selector("#given-rating")
    assert "非常满意" in page.inner_text("#given-rating")
    assert Rating.objects.filter(window=district.window, channel="qr").count() == 1
    context.close()
