import xml.etree.ElementTree as ET  # noqa: S405
from typing import Any

import pytest
from django.test import Client

from qinqing.accounts.services import create_api_token
from qinqing.appeals.models import Appeal

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def key(intake: Any) -> str:
    return create_api_token(intake, name="open311 client", actor=None)[1]


def submit(key: str, **extra: str) -> Any:
    data = {
        "api_key": key,
        "service_code": "utilities",
        "description": "路灯不亮已一周",
        "lat": "30.5",
        "long": "106.6",
        "phone": "13812345678",
        "first_name": "三",
        "last_name": "张",
    }
    data.update(extra)
    return Client().post(f"{BASE}/requests.json", data)


def test_services_list_in_json_and_xml() -> None:
    services = Client().get(f"{BASE}/services.json").json()
    assert {"service_code": "utilities", "service_name": "水电气暖"}.items() <= {
        k: v for s in services if s["service_code"] == "utilities" for k, v in s.items()
    }.items()
    root = ET.fromstring(Client().get(f"{BASE}/services.xml").content)  # noqa: S314
    assert root.tag == "services" and root.find("service/service_code") is not None


def test_service_definition_and_unknown_code() -> None:
    assert Client().get(f"{BASE}/services/utilities.json").json()["service_code"] == "utilities"
    missing = Client().get(f"{BASE}/services/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_post_request_creates_one_appeal_even_when_retried(key: str) -> None:
    first = submit(key)
    again = submit(key)
    assert first.status_code == 201
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    appeal = Appeal.objects.get()
    assert appeal.channel == "open311" and appeal.category.open311_code == "utilities"


def test_post_with_idempotency_header_is_not_duplicated(key: str) -> None:
    client = Client(HTTP_IDEMPOTENCY_KEY="r-1")
    data = {
        "api_key": key,
        "service_code": "roads",
        "description": "坑",
        "address_string": "A 路",
        "phone": "13800000000",
    }
    client.post(f"{BASE}/requests.json", data)
    client.post(f"{BASE}/requests.json", {**data, "description": "坑（重发）"})
    assert Appeal.objects.count() == 1


def test_post_errors_in_spec_format(key: str) -> None:
    bad_key = submit("qq_wrong")
    assert bad_key.status_code == 403 and bad_key.json()[0]["code"] == 403
    no_phone = submit(key, phone="")
    assert no_phone.status_code == 400 and "phone" in no_phone.json()[0]["description"]
    no_place = Client().post(
        f"{BASE}/requests.xml",
        {"api_key": key, "service_code": "roads", "description": "x", "phone": "138"},
    )
    root = ET.fromstring(no_place.content)  # noqa: S314
    assert no_place.status_code == 400 and root.tag == "errors"
    assert root.find("error/code").text == "400"
    assert not Appeal.objects.exists()


def test_get_requests_scoped_to_the_key(key: str, policy_officer: Any) -> None:
    number = submit(key).json()[0]["service_request_id"]
    rows = Client().get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert [r["service_request_id"] for r in rows] == [number]
    assert "13812345678" not in str(rows)
    one = Client().get(f"{BASE}/requests/{number}.xml", {"api_key": key})
    assert ET.fromstring(one.content).find("request/status").text == "open"  # noqa: S314
    other_key = create_api_token(policy_officer, name="x", actor=None)[1]
    assert Client().get(f"{BASE}/requests/{number}.json", {"api_key": other_key}).status_code == 404
    assert Client().get(f"{BASE}/requests.json").status_code == 403


def test_policy_officer_key_cannot_post(policy_officer: Any) -> None:
    other_key = create_api_token(policy_officer, name="x", actor=None)[1]
    assert submit(other_key).status_code == 403
