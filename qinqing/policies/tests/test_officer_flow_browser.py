# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
"""The policy officer's flow in Chromium, one person after another: a document → its item
→ the rule (as JSON) → the preview → publish → the matches list → the enterprise applies
→ the officer approves → a second officer records the payment (四眼原则: the approver's
own attempt is refused). The matches list shows exactly the qualified enterprise, and the
amount approved is the amount the payment screen records. Screenshots go to
var/shots/policy-*.png."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from qinqing.policies.factories import qualification
from qinqing.policies.models import Application, Disbursement, PolicyDocument, PolicyItem
from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    server,
)

pytestmark = [pytest.mark.browser, needs_chromium]

RULE = {"all": [{"type": "qualification", "kind": "high_tech", "on": "2026-06-30"}]}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def _fast(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def shot(page: Any, name: str) -> None:
    path = Path(settings.BASE_DIR) / "var" / "shots"
    path.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path / f"policy-{name}.png"), full_page=True)


def as_user(browser: Any, server: Any, user: Any) -> Any:
    page = logged_in_context(browser, server, user, viewport=DESKTOP).new_page()
    failures: list[str] = []
    page.on(
        "response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )
    page.failures = failures
    return page


def messages(page: Any) -> str:
    return page.locator("body").inner_text()


def test_document_to_payout_in_chromium(
    chromium: Any,
    server: Any,
    district: Any,
    policy_officer: Any,
    second_officer: Any,
    enterprise_a: Any,
    enterprise_b: Any,
    enterprise_user_a: Any,
) -> None:
    qualification(enterprise_a, "high_tech", dt.date(2024, 1, 1))
    officer = as_user(chromium, server, policy_officer)

    # 1. the document
    officer.goto(f"{server.url}/policies/documents/new/")
    officer.fill("#id_title", "关于支持高新技术企业发展的若干措施")
    officer.fill("#id_issuer", "广安区科技局")
    officer.locator("main form button[type=submit], form.panel button[type=submit]").first.click()
    officer.wait_for_load_state()
    document = PolicyDocument.objects.get()
    assert f"/policies/documents/{document.pk}/" in officer.url
    assert "已保存政策文件" in messages(officer)

    # 2. its item
    officer.goto(f"{server.url}/policies/items/new/?document={document.pk}")
    officer.fill("#id_title", "高新技术企业认定奖励")
    officer.select_option("#id_kind", "subsidy")
    officer.select_option("#id_mode", "apply")
    officer.select_option("#id_benefit_kind", "fixed")
    officer.fill("#id_amount", "10")
    officer.fill("#id_budget", "100")
    officer.fill("#id_period", "2025")
    officer.select_option("#id_department", str(district.dept.pk))
    officer.fill("#id_contact_name", "黄政策")
    officer.fill("#id_contact_phone", "0826-2221001")
    officer.fill("#id_payout_days", "30")
    officer.locator("form.panel button[type=submit], main form button[type=submit]").first.click()
    officer.wait_for_load_state()
    item = PolicyItem.objects.get()
    assert officer.url.endswith(f"/policies/items/{item.pk}/rule/")

    # 3. the rule, its preview, publication
    officer.locator("details:has(textarea[name=tree_json]) > summary").click()
    officer.fill("textarea[name=tree_json]", json.dumps(RULE, ensure_ascii=False))
    officer.locator("form:has(textarea[name=tree_json]) button[type=submit]").click()
    officer.wait_for_load_state()
    assert "已保存规则草稿" in messages(officer) or "草稿" in messages(officer)
    officer.goto(f"{server.url}/policies/items/{item.pk}/rule/?preview=1")
    shot(officer, "rule-preview")
    officer.locator(
        f"form[action$='/policies/rules/{item.rule_versions.get().pk}/publish/'] button"
    ).click()
    officer.wait_for_load_state()
    officer.goto(f"{server.url}/policies/documents/{document.pk}/")
    officer.locator(f"form[action$='/policies/items/{item.pk}/status/publish/'] button").click()
    officer.wait_for_load_state()
    item.refresh_from_db()
    assert item.status == "published" and item.current_rule_id is not None
    officer.locator(f"form[action$='/policies/documents/{document.pk}/publish/'] button").click()
    officer.wait_for_load_state()
    shot(officer, "guide")
    document.refresh_from_db()
    assert document.status == "published"

    # 4. matching found exactly the qualified enterprise
    officer.goto(f"{server.url}/policies/items/{item.pk}/matches/")
    listed = messages(officer)
    shot(officer, "matches")
    assert enterprise_a.name in listed and enterprise_b.name not in listed

    # 5. the enterprise applies
    firm = as_user(chromium, server, enterprise_user_a)
    firm.goto(f"{server.url}/policies/items/{item.pk}/apply/")
    firm.locator("form.panel button.primary").last.click()
    firm.wait_for_load_state()
    application = Application.objects.get()
    assert firm.url.endswith(f"/policies/applications/{application.pk}/")

    # 6. the officer approves
    officer.goto(f"{server.url}/policies/applications/{application.pk}/")
    officer.locator("button[formaction$='/approve/']").click()
    officer.wait_for_load_state()
    disbursement = Disbursement.objects.get()
    assert disbursement.amount == 10

    # 7. the approver may not confirm the payment; a second officer does
    officer.goto(f"{server.url}/policies/applications/{application.pk}/")
    officer.locator(f"form[action$='/disbursements/{disbursement.pk}/pay/'] button").click()
    officer.wait_for_load_state()
    assert "须由另一名政策专员确认拨付" in messages(officer)
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PENDING

    second = as_user(chromium, server, second_officer)
    second.goto(f"{server.url}/policies/applications/{application.pk}/")
    second.locator(f"form[action$='/disbursements/{disbursement.pk}/pay/'] button").click()
    second.wait_for_load_state()
    shot(second, "paid")
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.PAID
    assert "拨付 10.00 万元" in messages(second) and "已兑付" in messages(second)

    for page in (officer, firm, second):
        assert page.failures == []
