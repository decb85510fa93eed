"""Who sees what: each rule with the person who may and one who may not."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qinqing.enterprises import services
from qinqing.enterprises.models import (
    CorrectionRequest,
    EarlyWarning,
    Enterprise,
    IndicatorValue,
    Metric,
    Pool,
    Source,
    WarningRule,
    WarningStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def phoned(enterprise_a: Enterprise, policy_officer) -> Enterprise:  # type: ignore[no-untyped-def]
    services.record_profile(
        enterprise_a.uscc, source=Source.MARKET, actor=policy_officer,
        values={"contact_name": "张三", "contact_phone": "13812345678", "industry_code": "C3911"},
    )  # fmt: skip
    return Enterprise.objects.get(pk=enterprise_a.pk)


def test_enterprise_user_sees_own_page_but_not_another(
    client_for, enterprise_user_a, phoned, enterprise_b
) -> None:
    client = client_for(enterprise_user_a)
    own = client.get(f"/enterprises/{phoned.uscc}/")
    assert own.status_code == 200
    assert "13812345678" in own.content.decode()
    assert client.get(f"/enterprises/{enterprise_b.uscc}/").status_code == 403


def test_enterprise_user_is_sent_to_own_page_not_the_registry(
    client_for, enterprise_user_a, enterprise_a
) -> None:
    client = client_for(enterprise_user_a)
    assert client.get("/enterprises/").url == "/enterprises/mine/"
    assert client.get("/enterprises/mine/").url == f"/enterprises/{enterprise_a.uscc}/"
    assert client.get("/enterprises/?export=xlsx").status_code == 302
    assert client.get("/enterprises/warnings/").status_code == 403


def test_staff_list_masks_the_phone_and_filters(client_for, handler, phoned, enterprise_b) -> None:
    client = client_for(handler)
    page = client.get("/enterprises/", {"industry": "C39"}).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert phoned.name in page and enterprise_b.name not in page


def test_export_is_filtered_and_masked(client_for, leader, phoned, enterprise_b) -> None:
    response = client_for(leader).get("/enterprises/", {"q": "甲", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == phoned.uscc and rows[1][-1] == "138****5678"


def test_search_by_division_subtree_qualification_revenue_tag_and_pool(
    client_for, policy_officer, district, enterprise_a, enterprise_b
) -> None:
    from qinqing.enterprises.selectors import EnterpriseFilter, search_enterprises

    services.record_profile(
        enterprise_a.uscc,
        source=Source.STATS,
        actor=policy_officer,
        values={"revenue": "2500"},
        year=2024,
    )
    services.record_profile(
        enterprise_b.uscc,
        source=Source.STATS,
        actor=policy_officer,
        values={"revenue": "90"},
        year=2024,
    )
    services.record_qualification(
        enterprise_b,
        actor=policy_officer,
        kind="high_tech",
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2026, 12, 31),
    )
    services.set_tags(enterprise_a, actor=policy_officer, names=["链主"])
    pool = Pool.objects.create(name="培育库")
    services.enter_pool(
        enterprise_b, actor=policy_officer, pool=pool, on=dt.date(2025, 1, 1), reason="潜力"
    )

    def find(**criteria: object) -> set[str]:
        return set(
            search_enterprises(policy_officer, EnterpriseFilter(**criteria)).values_list(
                "name", flat=True
            )
        )  # type: ignore[arg-type]

    assert find(division=district.district.pk) == {"甲公司", "乙公司"}
    assert find(division=district.street.pk) == {"甲公司"}
    assert find(qualification="high_tech", held_on=dt.date(2025, 6, 1)) == {"乙公司"}
    assert find(qualification="high_tech", held_on=dt.date(2027, 1, 1)) == set()
    assert find(revenue_year=2024, revenue_min=Decimal("100")) == {"甲公司"}
    assert find(revenue_year=2024, revenue_max=Decimal("100")) == {"乙公司"}
    assert find(tag="链主") == {"甲公司"}
    assert find(pool=pool.pk) == {"乙公司"}
    assert find(q=enterprise_b.uscc) == {"乙公司"}


def test_only_registry_officers_import(
    client_for, policy_officer, handler, district, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    assert client_for(handler).get("/enterprises/imports/").status_code == 403
    client = client_for(policy_officer)
    assert client.get("/enterprises/imports/template/profiles.xlsx").status_code == 200
    csv = "统一社会信用代码,数据来源,企业名称\n91511602000000009X,市场监管,坏\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/enterprises/imports/",
        {"kind": "profiles", "file": SimpleUploadedFile("x.csv", csv), "idempotency_key": "abc"},
    )
    job_page = client.get(response.url).content.decode()
    assert "统一社会信用代码" in job_page and "第" not in job_page.split("<h1>")[0]
    assert "校验位错误" in job_page or "18 位" in job_page


def test_correction_flow_in_the_browser(
    client_for, enterprise_user_a, enterprise_user_b, policy_officer, handler, enterprise_a
) -> None:
    services.record_profile(
        enterprise_a.uscc, source=Source.MARKET, actor=policy_officer, values={"address": "旧地址"}
    )
    url = f"/enterprises/{enterprise_a.uscc}/correct/"
    data = {"field_name": "address", "value": "新地址", "reason": "已搬迁"}
    assert client_for(enterprise_user_b).post(url, data).status_code == 403
    assert client_for(enterprise_user_a).post(url, data).status_code == 302
    request = CorrectionRequest.objects.get()
    review = f"/enterprises/corrections/{request.pk}/review/"
    assert client_for(handler).post(review, {"decision": "approve"}).status_code == 403
    assert client_for(policy_officer).post(review, {"decision": "approve"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"


def test_warning_can_be_turned_into_an_appeal_with_the_enterprise_preselected(
    client_for, handler, enterprise_user_a, enterprise_a
) -> None:
    rule = WarningRule.objects.create(
        name="用电同比下降", metric=Metric.ELECTRICITY, kind="yoy_drop", drop_percent=30
    )
    IndicatorValue.objects.create(
        enterprise=enterprise_a,
        metric=Metric.ELECTRICITY,
        frequency="M",
        period=dt.date(2025, 3, 1),
        value=1,
        source=Source.OFFICER,
        recorded_at=timezone.now(),
    )
    warning = EarlyWarning.objects.create(
        enterprise=enterprise_a, rule=rule, period=dt.date(2025, 3, 1)
    )
    url = f"/enterprises/warnings/{warning.pk}/handle/"
    assert client_for(enterprise_user_a).post(url, {"to": "appeal"}).status_code == 403
    response = client_for(handler).post(url, {"to": "appeal"})
    assert f"enterprise={enterprise_a.uscc}" in response.url
    warning.refresh_from_db()
    assert warning.status == WarningStatus.APPEAL
    page = client_for(handler).get(f"/enterprises/{enterprise_a.uscc}/").content.decode()
    assert "echarts.min.js" in page


def test_registry_page_queries_do_not_grow_with_rows(
    client_for, leader, district, django_assert_max_num_queries
) -> None:
    from qinqing.lib.uscc import make_uscc

    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=make_uscc(f"91511602{i:09d}"), name=f"企业{i}", division=district.street
            )
            for i in range(100, 160)
        ]
    )
    client = client_for(leader)
    client.get("/enterprises/")  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get("/enterprises/").status_code == 200


def test_only_registry_officers_record_qualifications(
    client_for, policy_officer, handler, enterprise_a
) -> None:
    url = f"/enterprises/{enterprise_a.uscc}/qualifications/"
    data = {
        "kind": "srdi",
        "certificate_no": "ZJTX-1",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
    }
    assert client_for(handler).post(url, data).status_code == 403
    assert client_for(policy_officer).post(url, data).status_code == 302
    assert enterprise_a.qualifications.get().certificate_no == "ZJTX-1"
    bad = client_for(policy_officer).post(
        url, {**data, "valid_to": "2024-01-01", "certificate_no": "X"}, follow=True
    )
    assert "有效期截止日期不能早于起始日期" in bad.content.decode()


def test_officer_actions_say_what_happened(client_for, policy_officer, enterprise_a) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    pool = Pool.objects.create(name="专精特新培育库")
    client = client_for(policy_officer)
    page = client.post(
        reverse("enterprises:pool_enter", args=[enterprise_a.uscc]),
        {"pool": pool.pk, "on": "2026-11-02", "reason": "申报专精特新"},
        follow=True,
    ).content.decode()
    assert "甲公司 已于 2026年11月2日 入库：专精特新培育库" in page
    page = client.post(
        reverse("enterprises:tags", args=[enterprise_a.uscc]), {"tags": "链主, 外贸"}, follow=True
    ).content.decode()
    assert "甲公司 的标签已保存：链主、外贸" in page


def test_registry_export_writes_a_formula_name_as_text(client_for, leader, enterprise_a) -> None:
    Enterprise.objects.filter(pk=enterprise_a.pk).update(name="=cmd|' /C calc'!A0")
    response = client_for(leader).get("/enterprises/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|' /C calc'!A0" in names
