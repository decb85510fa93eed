import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qinqing.enterprises import services
from qinqing.enterprises.models import Enterprise, Source
from qinqing.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def phoned(enterprise_a: Enterprise, policy_officer) -> Enterprise:  # type: ignore[no-untyped-def]
    services.record_profile(
        enterprise_a.uscc, source=Source.MARKET, actor=policy_officer,
        values={"contact_name": "张三", "contact_phone": "13812345678", "industry_code": "C3911"},
    )  # fmt: skip
    return Enterprise.objects.get(pk=enterprise_a.pk)


def test_api_enterprise_user_reads_only_own_and_cannot_search(
    client_for, enterprise_user_a, enterprise_a, enterprise_b
) -> None:
    client = client_for(enterprise_user_a)
    assert client.get(f"/api/v1/enterprises/{enterprise_a.uscc}").json()["name"] == "甲公司"
    assert client.get(f"/api/v1/enterprises/{enterprise_b.uscc}").status_code == 403
    assert client.get("/api/v1/enterprises/").status_code == 403


def test_api_staff_search_masks_phone(client_for, supervisor, phoned) -> None:
    body = client_for(supervisor).get("/api/v1/enterprises/", {"industry": "C"}).json()
    assert [i["contact_phone"] for i in body["items"]] == ["138****5678"]


def test_api_import_is_idempotent_per_key(
    client_for, policy_officer, handler, district, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    body = f"统一社会信用代码,数据来源,企业名称\n{make_uscc('91511602000000077')},市场监管,庚公司\n".encode()

    def post(client):  # type: ignore[no-untyped-def]
        return client.post(
            "/api/v1/enterprises/imports",
            {"file": SimpleUploadedFile("x.csv", body), "kind": "profiles"},
            headers={"Idempotency-Key": "same"},
        )

    assert post(client_for(handler)).status_code == 403
    first = post(client_for(policy_officer))
    assert first.status_code == 201 and first.json()["created_count"] == 1
    second = post(client_for(policy_officer))
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
