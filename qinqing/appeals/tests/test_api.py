import json
from typing import Any

import pytest
from django.test import Client

from qinqing.accounts.services import create_api_token
from qinqing.appeals import services
from qinqing.appeals.models import Appeal, Status

pytestmark = pytest.mark.django_db
BASE = "/api/v1/appeals"


def api_client(user: Any) -> Client:
    _token, raw = create_api_token(user, name="test", actor=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, data: dict[str, Any], **headers: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


NEW = {
    "title": "园区道路积水",
    "description": "雨后积水半米",
    "requester_name": "刘",
    "requester_phone": "13812345678",
    "channel": "phone",
}


def test_create_is_idempotent_with_header(intake: Any) -> None:
    client = api_client(intake)
    first = post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY="abc")
    again = post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Appeal.objects.count() == 1
    assert first.json()["events"][0]["kind"] == "registered"


def test_create_rejects_bad_input_naming_the_field(intake: Any) -> None:
    response = post(api_client(intake), f"{BASE}/", {**NEW, "title": " "})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    response = post(api_client(intake), f"{BASE}/", {**NEW, "enterprise_uscc": "123"})
    assert (
        response.status_code == 422 and response.json()["errors"][0]["field"] == "enterprise_uscc"
    )
    assert not Appeal.objects.exists()


def test_policy_officer_cannot_create(policy_officer: Any) -> None:
    assert post(api_client(policy_officer), f"{BASE}/", NEW).status_code == 403


def test_anonymous_gets_401() -> None:
    assert Client().get(f"{BASE}/").status_code == 401


def test_list_is_scoped_and_masked(
    dispatched: Appeal, handler: Any, other_handler: Any, enterprise_user_b: Any
) -> None:
    rows = api_client(handler).get(f"{BASE}/").json()
    assert [r["number"] for r in rows] == [dispatched.number]
    assert rows[0]["requester_phone"] == "138****5678"
    assert api_client(other_handler).get(f"{BASE}/").json() == []
    assert api_client(enterprise_user_b).get(f"{BASE}/").json() == []


def test_detail_permission(dispatched: Appeal, handler: Any, other_handler: Any) -> None:
    assert api_client(handler).get(f"{BASE}/{dispatched.pk}").status_code == 200
    assert api_client(other_handler).get(f"{BASE}/{dispatched.pk}").status_code == 404


def test_lifecycle_through_the_api(
    appeal: Appeal, intake: Any, handler: Any, supervisor: Any, district: Any
) -> None:
    c_intake, c_handler, c_sup = api_client(intake), api_client(handler), api_client(supervisor)
    url = f"{BASE}/{appeal.pk}"
    assert post(c_intake, f"{url}/dispatch", {"department_id": district.dept.pk}).status_code == 200
    assert post(c_handler, f"{url}/acknowledge", {}).status_code == 200
    ext = post(c_handler, f"{url}/extensions", {"clock": "reply", "days": 2, "reason": "需勘查"})
    assert ext.status_code == 201
    decided = post(c_sup, f"{BASE}/extensions/{ext.json()['id']}/decide", {"approve": True})
    assert decided.json()["state"] == "approved"
    assert post(c_handler, f"{url}/contact", {"method": "phone", "person": "刘"}).status_code == 200
    assert (
        post(c_handler, f"{url}/reply", {"result": "solved", "text": "已疏通"}).status_code == 200
    )
    assert (
        post(c_sup, f"{url}/call-back", {"solved": True, "rating": "satisfied"}).status_code == 200
    )
    done = post(c_sup, f"{url}/close", {})
    assert done.status_code == 200 and done.json()["status"] == Status.CLOSED


def test_illegal_step_is_422_in_chinese(dispatched: Appeal, handler: Any) -> None:
    response = post(
        api_client(handler), f"{BASE}/{dispatched.pk}/reply", {"result": "solved", "text": "x"}
    )
    assert response.status_code == 422
    assert "不能执行“答复”" in response.json()["errors"][0]["message"]


def test_other_department_cannot_act_through_api(dispatched: Appeal, other_handler: Any) -> None:
    response = post(api_client(other_handler), f"{BASE}/{dispatched.pk}/acknowledge", {})
    assert response.status_code == 404


def test_metrics_for_leader_not_for_handler(
    leader: Any, handler: Any, called_back: Appeal, supervisor: Any
) -> None:
    services.close_appeal(called_back, actor=supervisor)
    url = f"{BASE}/metrics/?start=2025-01-01&end=2027-12-01&group_by=department"
    response = api_client(leader).get(url)
    assert response.status_code == 200
    assert response.json()[0]["label"] == "经信局"
    assert api_client(handler).get(url).status_code == 403
