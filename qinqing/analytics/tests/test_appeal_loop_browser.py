# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
"""The appeal loop in Chromium, one role after another: intake (advice as typed) →
dispatch → 督办 → handling → 待回访 → the enterprise's call-back (its rating) → 办结 →
the leader's cockpit, whose figures equal what the ledger and the ratings pages count.
A second appeal shows the enterprise asking for 重办 itself. Screenshots of every screen
changed go to var/shots/ at 1280 px and 390 px."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from qinqing.analytics.intel import routing
from qinqing.analytics.tests.test_intel_fixtures import training_rows
from qinqing.appeals import services as appeals
from qinqing.appeals.models import Appeal, ReplyResult, Status
from qinqing.ratings.models import Rating, ServiceEvent
from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    server,
)

pytestmark = [pytest.mark.browser, needs_chromium]

TITLE = "厂区停电三天无人处理"
TEXT = "园区变压器故障，厂区停电已三天，生产线停工，请供电部门尽快抢修。"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(autouse=True)
def _fast(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path  # the routing model file


def shots() -> Path:
    path = Path(settings.BASE_DIR) / "var" / "shots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(
    browser: Any, server: Any, user: Any, url: str, name: str, wait: str, prepare: Any = None
) -> None:
    """The page at desktop and phone width, each saved as var/shots/<name>-<size>.png."""
    for size, viewport in SIZES.items():
        context = logged_in_context(browser, server, user, viewport=viewport)
        page = context.new_page()
        page.goto(f"{server.url}{url}")
        if prepare is not None:
            prepare(page)
        page.wait_for_selector(wait)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        page.screenshot(path=str(shots() / f"{name}-{size}.png"), full_page=True)
        context.close()


def as_user(browser: Any, server: Any, user: Any) -> Any:
    context = logged_in_context(browser, server, user, viewport=SIZES["desktop"])
    page = context.new_page()
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    page.errors = errors
    return page


def act(page: Any, server: Any, appeal: Appeal, action: str, **fields: str) -> None:
    """Fill the action form `action` on the appeal's page and submit it."""
    page.goto(f"{server.url}/appeals/{appeal.pk}/")
    form = page.locator(f"form#{action}")
    for name, value in fields.items():
        box = form.locator(f"[name='{action}-{name}']")
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".messages .msg-error").count() == 0, page.inner_text(".messages")


def kpi(page: Any, name: str) -> str:
    return page.inner_text(f'[data-kpi="{name}"]').strip()


def follow_count(page: Any, server: Any, link: str) -> int:
    page.goto(link if link.startswith("http") else f"{server.url}{link}")
    return int(page.inner_text("[data-count]").strip())


def test_one_appeal_from_intake_to_the_cockpit_with_numbers_that_agree(
    server, chromium, district, intake, handler, supervisor, leader, enterprise_a,
    enterprise_user_a,
) -> None:  # fmt: skip
    routing.train_and_store(training_rows(), source="fixture")
    earlier, _ = appeals.register_appeal(
        actor=intake, channel="phone", title="厂区停电三天", description="园区变压器故障，厂区停电三天，生产线停工。",
        requester_name="王经理", requester_phone="13900000000", enterprise=enterprise_a,
    )  # fmt: skip

    # intake: advice appears as soon as title and description are typed
    page = as_user(chromium, server, intake)
    page.goto(f"{server.url}/appeals/intake/")
    page.fill("#id_enterprise_query", enterprise_a.uscc)
    page.fill("#id_title", TITLE)
    page.fill("#id_description", TEXT)
    page.wait_for_selector("[data-advice] [data-suggestion]")
    page.wait_for_selector(f'[data-duplicate="{earlier.pk}"]')
    why = page.inner_text(f'[data-duplicate="{earlier.pk}"]')
    assert "停电" in why and "%" in why and "同一企业" in why
    page.fill("#id_requester_name", "刘经理")
    page.fill("#id_requester_phone", "13812345678")
    page.click("form.panel button.primary")
    page.wait_for_url(re.compile(r"/appeals/\d+/$"))
    appeal = Appeal.objects.exclude(pk=earlier.pk).get(title=TITLE)
    assert appeal.enterprise == enterprise_a
    act(page, server, appeal, "dispatch", department=str(district.dept.pk))

    def type_title_and_text(page: Any) -> None:
        page.fill("#id_enterprise_query", enterprise_a.uscc)
        page.fill("#id_title", TITLE)
        page.fill("#id_description", TEXT)

    shoot(chromium, server, intake, "/appeals/intake/", "intake-advice", "[data-duplicate]",
          prepare=type_title_and_text)  # fmt: skip

    # supervisor: 督办; the handler sees the marker on the worklist
    page = as_user(chromium, server, supervisor)
    act(page, server, appeal, "supervise", note="停产损失大，请当天联系企业")
    page = as_user(chromium, server, handler)
    page.goto(f"{server.url}/appeals/worklist/")
    assert page.locator('[data-pressed="supervised"]').count() == 1
    shoot(chromium, server, handler, "/appeals/worklist/", "worklist-marker", "[data-pressed]")
    act(page, server, appeal, "acknowledge", note="")
    act(page, server, appeal, "contact", method="phone", person="刘经理")
    act(page, server, appeal, "reply", result=ReplyResult.SOLVED, text="已协调供电公司更换变压器")

    # supervisor: the board lists it under 待回访
    page = as_user(chromium, server, supervisor)
    page.goto(f"{server.url}/appeals/board/")
    assert page.locator(f'[data-section="awaiting_callback"] [data-appeal="{appeal.pk}"]').count()
    shoot(chromium, server, supervisor, "/appeals/board/", "board-awaiting-callback",
          '[data-section="awaiting_callback"]')  # fmt: skip

    # the enterprise answers the call-back online: that answer is the rating
    page = as_user(chromium, server, enterprise_user_a)
    page.goto(f"{server.url}/appeals/{appeal.pk}/")
    assert "仅内部可见" not in page.content()
    act(page, server, appeal, "call_back", solved="1", rating="satisfied", note="抢修及时")

    # intake closes; the closed appeal is rated once, by the enterprise's answer
    page = as_user(chromium, server, intake)
    act(page, server, appeal, "close", note="")
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    service = ServiceEvent.objects.get(reference=f"appeal:{appeal.pk}")
    assert Rating.objects.get(event=service).rated_by == enterprise_user_a

    # the leader's cockpit, refreshed, against the lists its numbers open
    page = as_user(chromium, server, leader)
    page.goto(f"{server.url}/analytics/cockpit/")
    page.click("form[action$='refresh/'] button")
    page.wait_for_selector('[data-kpi="service_handled"]')
    handled, rated = kpi(page, "service_handled"), kpi(page, "service_rated")
    satisfied, share = kpi(page, "appeal_satisfied_rate"), kpi(page, "rating_participation_rate")
    links = {
        name: page.get_attribute(f'[data-kpi="{name}"]', "href")
        for name in ("service_handled", "service_rated", "appeal_satisfied_rate", "rating_count")
    }
    assert (handled, rated, satisfied, share) == ("1", "1", "100.0%", "100.0%")
    assert follow_count(page, server, links["service_handled"]) == int(handled)
    assert follow_count(page, server, links["service_rated"]) == int(rated)
    assert follow_count(page, server, links["rating_count"]) == int(rated)
    page.goto(f"{server.url}{links['appeal_satisfied_rate']}")
    assert page.inner_text("[data-value]").strip() == satisfied
    assert page.errors == []


def test_the_enterprise_asks_for_reopening_after_an_unsatisfied_answer(
    server, chromium, district, intake, handler, supervisor, enterprise_a, enterprise_user_a,
) -> None:  # fmt: skip
    appeal, _ = appeals.register_appeal(
        actor=intake, channel="phone", title="水压不足影响生产", description="厂区水压不足已一周。",
        requester_name="刘经理", requester_phone="13812345678", enterprise=enterprise_a,
    )  # fmt: skip
    appeals.dispatch_appeal(appeal, actor=intake, to=district.dept)
    appeals.acknowledge_appeal(appeal, actor=handler)
    appeals.record_contact(appeal, actor=handler, method="phone", person="刘经理")
    appeals.reply_appeal(appeal, actor=handler, result=ReplyResult.PARTLY, text="已协调水务")
    page = as_user(chromium, server, enterprise_user_a)
    act(page, server, appeal, "call_back", solved="0", rating="unsatisfied", note="水压仍不足")
    page.goto(f"{server.url}/appeals/{appeal.pk}/")
    assert page.locator("form#request_reopen").count() == 1
    assert page.locator("[name='attach-staff_only']").count() == 0  # staff-only box hidden
    shoot(chromium, server, enterprise_user_a, f"/appeals/{appeal.pk}/", "enterprise-reopen",
          "form#request_reopen")  # fmt: skip
    act(page, server, appeal, "request_reopen", reason="水压仍不足，请再次处理")
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reopen_count) == (Status.HANDLING, 1)
    page = as_user(chromium, server, handler)
    page.goto(f"{server.url}/appeals/worklist/")
    assert page.locator("[data-reopened]").count() == 1
