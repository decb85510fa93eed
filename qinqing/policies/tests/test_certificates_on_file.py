"""Policy applications ask each material once: a valid certificate in the catalog's
store (found through core.material_store, never by importing catalog) is not asked
again, the application records which certificate it took, and the enterprise sees
"已有，免提交"."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from qinqing.catalog.selectors import store_lookup
from qinqing.catalog.services import upload_certificate
from qinqing.core.material_store import register_certificate_lookup, unregister_certificate_lookup
from qinqing.policies import services
from qinqing.policies.factories import make_item

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def item(policy_officer, district):
    return make_item(
        actor=policy_officer,
        department=district.dept,
        mode="apply",
        amount=Decimal("10"),
        budget=Decimal("100"),
        payout_days=60,
        required_materials=["licence", "qual_cert", "financials"],
    )


def certificate(enterprise, user, kind, number, valid_to):
    return upload_certificate(
        enterprise,
        actor=user,
        kind=kind,
        number=number,
        issuer="广安区市场监督管理局",
        valid_to=valid_to,
        file=ContentFile(b"%PDF-1.4", name=f"{kind}.pdf"),
    )


@time_machine.travel(NOW)
def test_certificates_on_file_are_not_asked_and_the_application_links_them(
    item, enterprise_a, enterprise_user_a
) -> None:
    licence = certificate(
        enterprise_a, enterprise_user_a, "business_licence", "91511602MA01", dt.date(2040, 1, 1)
    )
    certificate(enterprise_a, enterprise_user_a, "qual:high_tech", "GR2023", dt.date(2026, 1, 1))
    rows = {r.code: r for r in services.material_checklist(item, enterprise_a, NOW.date())}
    assert rows["licence"].certificate is not None
    assert rows["licence"].certificate.certificate_id == licence.pk
    assert not rows["qual_cert"].on_file  # the high-tech certificate expired
    assert not rows["financials"].on_file

    with pytest.raises(ValidationError) as exc:
        services.submit_application(
            item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="c1"
        )
    assert "营业执照" not in str(exc.value.message_dict["materials"])  # only the rest is asked

    certificate(enterprise_a, enterprise_user_a, "qual:srdi", "ZJTX-9", dt.date(2027, 6, 30))
    services.save_material(
        enterprise_a,
        actor=enterprise_user_a,
        material_type="financials",
        file=ContentFile(b"%PDF-1.4", name="financials.pdf"),
    )
    application = services.submit_application(
        item, actor=enterprise_user_a, enterprise=enterprise_a, idempotency_key="c1"
    )
    links = {c["material"]: c for c in application.certificates}
    assert links["licence"]["certificate_id"] == licence.pk
    assert links["licence"]["number"] == "91511602MA01"
    assert links["qual_cert"]["kind"] == "qual:srdi"
    assert [m.material_type for m in application.materials.all()] == ["financials"]


@time_machine.travel(NOW)
def test_the_apply_page_shows_what_is_on_file_and_not_asked(
    client, item, enterprise_a, enterprise_user_a
) -> None:
    certificate(
        enterprise_a, enterprise_user_a, "business_licence", "91511602MA01", dt.date(2040, 1, 1)
    )
    client.force_login(enterprise_user_a)
    page = client.get(reverse("policies:apply", args=[item.pk])).content.decode()
    assert "已有，免提交" in page
    assert "91511602MA01" in page
    assert "请上传" in page  # financials and the qualification are still asked


@time_machine.travel(NOW)
def test_another_enterprises_certificate_is_never_used(
    item, enterprise_a, enterprise_b, enterprise_user_b
) -> None:
    certificate(
        enterprise_b, enterprise_user_b, "business_licence", "91511602MB02", dt.date(2040, 1, 1)
    )
    rows = {r.code: r for r in services.material_checklist(item, enterprise_a, NOW.date())}
    assert not rows["licence"].on_file


@time_machine.travel(NOW)
def test_without_the_store_the_policy_material_library_is_asked(
    item, enterprise_a, enterprise_user_a
) -> None:
    certificate(
        enterprise_a, enterprise_user_a, "business_licence", "91511602MA01", dt.date(2040, 1, 1)
    )
    unregister_certificate_lookup(store_lookup)
    try:
        rows = {r.code: r for r in services.material_checklist(item, enterprise_a, NOW.date())}
    finally:
        register_certificate_lookup(store_lookup)
    assert not rows["licence"].on_file
