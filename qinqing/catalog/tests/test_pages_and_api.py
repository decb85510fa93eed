"""The pages and the API drive the same services: public search, applying, the worklist,
acting on a matter, figures, the enterprise page's panel."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.catalog import services
from qinqing.catalog.models import Matter, MatterStatus
from qinqing.catalog.tests.factories import make_bundle, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(district):
    return make_item(
        district.dept,
        "食品经营许可（新办）",
        keywords="开饭店 餐馆",
        materials=[("营业执照", "business_licence")],
    )


def test_the_public_catalog_finds_items_by_everyday_words(item, district):
    make_item(district.dept, "建筑工程施工许可证核发")
    page = Client().get(reverse("catalog:index"), {"q": "我想开饭店"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "食品经营许可（新办）" in text and "施工许可" not in text


def test_the_guide_finds_bundles_and_items_from_three_answers(item, district):
    make_bundle("kai-canguan", [(item, "")])
    page = Client().get(
        reverse("catalog:guide"), {"who": "enterprise", "intent": "food", "text": ""}
    )
    text = page.content.decode()
    assert "开餐馆" in text and "食品经营许可（新办）" in text


def test_applying_online_prefills_the_certificate_on_file(
    item, enterprise_a, enterprise_user_a, client_for
):
    services.upload_certificate(
        enterprise_a, actor=enterprise_user_a, kind="business_licence", number="BL-9"
    )
    client = client_for(enterprise_user_a)
    form = client.get(reverse("catalog:apply", args=[item.code])).content.decode()
    assert "已有，免提交" in form and "BL-9" in form
    response = client.post(
        reverse("catalog:apply", args=[item.code]),
        {"f_company_name": "甲公司", "f_phone": "13800000000"},
    )
    matter = Matter.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "catalog:matter", args=[matter.pk]
    )
    assert matter.materials.get().state == "on_file"


def test_the_department_accepts_from_its_worklist_and_the_message_says_the_due_date(
    item, enterprise_user_a, handler, client_for
):
    matter = services.apply_for_item(
        make_item(item.department, "就业登记"), actor=enterprise_user_a
    )
    client = client_for(handler)
    assert matter.number in client.get(reverse("catalog:worklist")).content.decode()
    response = client.post(
        reverse("catalog:act", args=[matter.pk, "accept"]), {"missing_days": 5}, follow=True
    )
    text = response.content.decode()
    assert "已受理，承诺 5 个工作日" in text and "前办结" in text
    matter.refresh_from_db()
    assert matter.status == MatterStatus.ACCEPTED


def test_another_enterprise_gets_a_404_for_a_matter_page(
    item, enterprise_user_a, enterprise_user_b, client_for
):
    matter = services.apply_for_item(
        make_item(item.department, "就业登记"), actor=enterprise_user_a
    )
    assert (
        client_for(enterprise_user_b).get(reverse("catalog:matter", args=[matter.pk])).status_code
        == 404
    )
    assert (
        client_for(enterprise_user_b)
        .post(reverse("catalog:act", args=[matter.pk, "accept"]))
        .status_code
        == 404
    )


def test_figures_page_is_for_oversight_only(item, supervisor, enterprise_user_a, client_for):
    assert client_for(supervisor).get(reverse("catalog:figures")).status_code == 200
    assert client_for(enterprise_user_a).get(reverse("catalog:figures")).status_code == 403


def test_the_enterprise_page_lists_its_matters_and_certificates(
    item, enterprise_a, enterprise_user_a, handler, client_for
):
    services.upload_certificate(
        enterprise_a, actor=enterprise_user_a, kind="business_licence", number="BL-77"
    )
    matter = services.apply_for_item(item, actor=enterprise_user_a)
    text = (
        client_for(handler)
        .get(reverse("enterprises:detail", args=[enterprise_a.uscc]))
        .content.decode()
    )
    assert 'id="catalog-panel"' in text and matter.number in text and "BL-77" in text


def test_the_api_searches_applies_and_acts_through_the_services(
    item, enterprise_user_a, handler, client_for
):
    found = Client().get("/api/v1/catalog/items", {"q": "餐馆"}).json()
    assert [i["code"] for i in found] == [item.code]
    client = client_for(enterprise_user_a)
    refused = client.post(
        "/api/v1/catalog/matters",
        json.dumps({"item_code": item.code}),
        content_type="application/json",
    )
    assert refused.status_code == 422 and "营业执照" in refused.json()["errors"][0]["message"]
    other = make_item(item.department, "就业登记")
    created = client.post(
        "/api/v1/catalog/matters",
        json.dumps({"item_code": other.code, "form_data": {"company_name": "甲"}}),
        content_type="application/json",
    )
    assert created.status_code == 201
    matter_id = created.json()["id"]
    assert (
        client.post(
            f"/api/v1/catalog/matters/{matter_id}/accept", "{}", content_type="application/json"
        ).status_code
        == 403
    )
    accepted = client_for(handler).post(
        f"/api/v1/catalog/matters/{matter_id}/accept", "{}", content_type="application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert [m["id"] for m in client.get("/api/v1/catalog/matters").json()] == [matter_id]
