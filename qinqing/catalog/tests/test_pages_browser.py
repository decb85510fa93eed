# ruff: noqa: F811  (pytest fixtures imported from ratings.tests.browser)
"""The catalog's staff and enterprise pages (worklist, matter, guide, bundle) at a phone's
390 px and a desk's 1280 px in a real Chromium: nothing sticks out sideways."""

import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.catalog import services
from qinqing.catalog.tests.factories import make_bundle, make_item
from qinqing.ratings.tests.browser import (  # noqa: F401
    chromium,
    logged_in_context,
    needs_chromium,
    screenshot_dir,
    server,
)

pytestmark = [pytest.mark.browser, needs_chromium]
WIDTHS = (390, 1280)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def shots() -> Path:
    """var/screenshots, or /tmp/shots/<name>/ when CATALOG_SHOTS names a folder."""
    target = os.environ.get("CATALOG_SHOTS")
    if not target:
        return screenshot_dir()
    path = Path(target)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def world(district, enterprise_a, enterprise_user_a, handler):
    food = make_item(
        district.dept,
        "食品经营许可（新办）",
        keywords="开饭店 餐馆",
        window=district.window,
        form_fields=["company_name", "legal_person", "phone", "address", "area"],
        materials=[
            ("营业执照", "business_licence"),
            ("食品安全管理制度（含从业人员健康管理）", ""),
        ],
    )
    sign = make_item(
        district.other_dept,
        "户外招牌设置审批（含大型户外广告、霓虹灯及电子显示屏）",
        form_fields=["company_name", "sign_text"],
        materials=[("招牌效果图", "")],
    )
    make_bundle(
        "kai-canguan", [(food, ""), (sign, "sign")], [{"key": "sign", "label": "需要设置户外招牌"}]
    )
    services.upload_certificate(
        enterprise_a, actor=enterprise_user_a, kind="business_licence", number="91511602MA6XYZ1234"
    )
    matters = [
        services.apply_for_item(
            food,
            actor=enterprise_user_a,
            form_data={"company_name": "广安甲餐饮管理有限责任公司", "phone": "13800000000"},
            uploads={
                "name:食品安全管理制度（含从业人员健康管理）": SimpleUploadedFile(
                    "rules.pdf", b"%PDF-1.4"
                )
            },
        )
        for _ in range(3)
    ]
    services.accept_matter(matters[0], actor=handler)
    return matters


def look(page, url: str, name: str, width: int) -> None:
    page.goto(url)
    page.screenshot(path=str(shots() / f"{name}-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{name} at {width} px is {overflow} px wide"


def test_the_handler_pages_fit_a_phone_and_a_desk(server, chromium, world, handler):
    for width in WIDTHS:
        context = logged_in_context(
            chromium, server, handler, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        look(page, f"{server.url}/catalog/matters/worklist/", "catalog-worklist-handler", width)
        look(page, f"{server.url}/catalog/matters/{world[0].pk}/", "catalog-matter-handler", width)
        look(
            page,
            f"{server.url}/catalog/guide/?who=enterprise&intent=food",
            "catalog-guide-handler",
            width,
        )
        context.close()


def test_the_enterprise_pages_fit_a_phone_and_a_desk(server, chromium, world, enterprise_user_a):
    for width in WIDTHS:
        context = logged_in_context(
            chromium, server, enterprise_user_a, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        look(
            page, f"{server.url}/catalog/matters/{world[0].pk}/", "catalog-matter-enterprise", width
        )
        look(
            page,
            f"{server.url}/catalog/guide/?who=enterprise&text=开饭店",
            "catalog-guide-enterprise",
            width,
        )
        look(
            page,
            f"{server.url}/catalog/bundles/kai-canguan/?q_sign=on",
            "catalog-bundle-enterprise",
            width,
        )
        look(page, f"{server.url}/catalog/certificates/", "catalog-certificates-enterprise", width)
        context.close()
