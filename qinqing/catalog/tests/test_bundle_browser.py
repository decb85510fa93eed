# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
"""A one-thing bundle applied for on a phone (390 px) in a real Chromium."""

import pytest

from qinqing.catalog import services
from qinqing.catalog.models import BundleApplication
from qinqing.catalog.tests.factories import make_bundle, make_item
from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    screenshot_dir,
    server,
)

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_restaurant_bundle_is_applied_for_once_on_a_phone(
    server, chromium, district, enterprise_a, enterprise_user_a
):  # noqa: F811
    licence = make_item(
        district.dept,
        "个体工商户设立登记",
        visits="0",
        form_fields=["company_name", "legal_person", "phone"],
        materials=[("经营者身份证", "id_card")],
    )
    food = make_item(
        district.dept,
        "食品经营许可（新办）",
        form_fields=["company_name", "phone", "area"],
        materials=[("经营者身份证", "id_card"), ("食品安全管理制度", "")],
    )
    sign = make_item(
        district.other_dept,
        "户外招牌设置审批",
        form_fields=["company_name", "sign_text"],
        materials=[("招牌效果图", "")],
    )
    make_bundle(
        "kai-canguan",
        [(licence, ""), (food, ""), (sign, "sign")],
        [{"key": "sign", "label": "需要设置户外招牌"}],
    )
    services.upload_certificate(
        enterprise_a, actor=enterprise_user_a, kind="id_card", number="ID-390"
    )
    context = logged_in_context(
        chromium, server, enterprise_user_a, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(f"{server.url}/catalog/bundles/kai-canguan/")
    page.check("input[name=q_sign]")
    page.click("text=看看要办哪些事项")
    page.wait_for_selector("#bundle-form")
    assert page.get_attribute(".savings", "data-fields-saved") == "3"  # 7 fields asked as 4
    assert page.locator(".material .badge.ok").first.inner_text() == "已有，免提交"
    for key, value in {
        "company_name": "甲餐馆",
        "legal_person": "张三",
        "phone": "13800000000",
        "area": "80",
        "sign_text": "甲餐馆 3×1 米",
    }.items():
        page.fill(f"#f_{key}", value)
    pdf = {"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
    page.set_input_files("input[name='file_name:食品安全管理制度']", files=[pdf])
    page.set_input_files("input[name='file_name:招牌效果图']", files=[pdf])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out
    page.screenshot(path=str(screenshot_dir() / "catalog-bundle-390.png"), full_page=True)
    page.click("text=一次提交")
    page.wait_for_selector("text=分送 3 个事项同步办理")
    application = BundleApplication.objects.get()
    assert application.matters.count() == 3
    assert "共 3 个事项，已办结 0 个" in page.content()
    context.close()
