"""一件事: conditions pick the items, one form asks each fact and material once, the
submission splits into the items' matters and closes when all of them close."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.catalog import bundles, services
from qinqing.catalog.models import BundleApplication, MatterStatus
from qinqing.catalog.tests.factories import make_bundle, make_item

pytestmark = pytest.mark.django_db


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4", content_type="application/pdf")


@pytest.fixture
def restaurant(district):
    licence = make_item(
        district.dept,
        "个体工商户设立登记",
        visits="0",
        form_fields=["company_name", "legal_person", "phone"],
        materials=[("经营者身份证", "id_card"), ("租赁合同", "lease")],
    )
    food = make_item(
        district.dept,
        "食品经营许可",
        visits="1",
        form_fields=["company_name", "phone", "address", "area"],
        materials=[("经营者身份证", "id_card"), ("租赁合同", "lease"), ("食品安全管理制度", "")],
    )
    sign = make_item(
        district.other_dept,
        "户外招牌设置审批",
        visits="1",
        form_fields=["company_name", "phone", "sign_text"],
        materials=[("招牌效果图", "")],
    )
    bundle = make_bundle(
        "kai-canguan",
        [(licence, ""), (food, ""), (sign, "sign")],
        [{"key": "sign", "label": "需要设置户外招牌"}],
    )
    return bundle, licence, food, sign


def test_a_condition_answered_no_leaves_its_item_out(restaurant):
    bundle, licence, food, sign = restaurant
    assert [i.pk for i in bundles.bundle_form(bundle, {}, None).items] == [licence.pk, food.pk]
    assert [i.pk for i in bundles.bundle_form(bundle, {"sign": "yes"}, None).items] == [
        licence.pk,
        food.pk,
        sign.pk,
    ]


def test_the_form_asks_each_fact_and_material_once_and_counts_what_it_saves(restaurant):
    bundle, *_ = restaurant
    form = bundles.bundle_form(bundle, {"sign": "yes"}, None)
    assert [k for k, _ in form.fields] == [
        "company_name",
        "legal_person",
        "phone",
        "address",
        "area",
        "sign_text",
    ]
    assert form.fields_separately == 3 + 4 + 3 and form.fields_saved == 4
    assert [m.name for m in form.materials] == [
        "经营者身份证",
        "租赁合同",
        "食品安全管理制度",
        "招牌效果图",
    ]
    assert form.materials_separately == 6 and form.materials_saved == 2
    assert (form.trips_separately, form.trips_bundle, form.trips_saved) == (2, 1, 1)


def test_materials_on_file_are_not_asked(restaurant, enterprise_a, enterprise_user_a):
    bundle, *_ = restaurant
    services.upload_certificate(
        enterprise_a, actor=enterprise_user_a, kind="id_card", number="ID-1"
    )
    form = bundles.bundle_form(bundle, {}, enterprise_a)
    asked = [m.name for m in form.materials if m.asked]
    assert asked == ["租赁合同", "食品安全管理制度"]
    assert form.materials_saved == 5 - 2


def test_submission_splits_into_one_matter_per_item_tracked_as_one(
    restaurant, enterprise_a, enterprise_user_a, handler, other_handler
):
    bundle, licence, food, sign = restaurant
    services.upload_certificate(
        enterprise_a, actor=enterprise_user_a, kind="id_card", number="ID-1"
    )
    data = {
        "company_name": "甲餐馆",
        "legal_person": "张三",
        "phone": "13800000000",
        "address": "北辰路 1 号",
        "area": "120",
        "sign_text": "甲餐馆 3×1 米",
    }
    application = bundles.submit_bundle(
        bundle,
        actor=enterprise_user_a,
        answers={"sign": "yes"},
        form_data=data,
        uploads={
            "lease": pdf("租赁"),
            "name:食品安全管理制度": pdf("制度"),
            "name:招牌效果图": pdf("效果图"),
        },
    )
    matters = {m.item_id: m for m in application.matters.all()}
    assert set(matters) == {licence.pk, food.pk, sign.pk}
    assert matters[sign.pk].department_id == sign.department_id
    assert matters[food.pk].form_data == {
        "company_name": "甲餐馆",
        "phone": "13800000000",
        "address": "北辰路 1 号",
        "area": "120",
    }
    states = dict(matters[food.pk].materials.values_list("material__name", "state"))
    assert states == {
        "经营者身份证": "on_file",
        "租赁合同": "provided",
        "食品安全管理制度": "provided",
    }
    for matter in matters.values():
        actor = other_handler if matter.item_id == sign.pk else handler
        services.accept_matter(matter, actor=actor)
        application.refresh_from_db()
        assert application.status == BundleApplication.Status.OPEN
        services.decide_matter(matter, actor=actor, approve=True)
    application.refresh_from_db()
    assert application.status == BundleApplication.Status.CLOSED
    assert bundles.progress(application) == (3, 3)


def test_a_missing_fact_names_the_field_and_writes_nothing(restaurant, enterprise_user_a):
    bundle, *_ = restaurant
    with pytest.raises(services.ValidationError, match="法定代表人"):
        bundles.submit_bundle(
            bundle,
            actor=enterprise_user_a,
            answers={},
            form_data={"company_name": "甲"},
            uploads={},
        )
    assert not BundleApplication.objects.exists()


def test_a_withdrawn_matter_still_lets_the_bundle_close(
    restaurant, enterprise_a, enterprise_user_a, handler
):
    bundle, licence, food, _ = restaurant
    data = dict.fromkeys(("company_name", "legal_person", "phone", "address", "area"), "x")
    application = bundles.submit_bundle(
        bundle,
        actor=enterprise_user_a,
        answers={},
        form_data=data,
        uploads={"id_card": pdf("a"), "lease": pdf("b"), "name:食品安全管理制度": pdf("c")},
    )
    first, second = application.matters.order_by("id")
    services.withdraw_matter(first, actor=enterprise_user_a)
    services.accept_matter(second, actor=handler)
    services.decide_matter(second, actor=handler, approve=False, reason="场所不符合要求")
    application.refresh_from_db()
    assert application.status == BundleApplication.Status.CLOSED
    second.refresh_from_db()
    assert second.status == MatterStatus.REFUSED
