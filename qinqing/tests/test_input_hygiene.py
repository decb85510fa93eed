"""Bad input at the door is a 4xx with a Chinese message, never a 500 (issue 15):
NUL and other control characters, out-of-range paging, broken multipart bodies.
Reproduced on PostgreSQL (which refuses 0x00) as well as SQLite."""

import json
from typing import Any

import pytest
from django.test import Client

from qinqing.accounts.services import create_api_token
from qinqing.appeals.models import Appeal

pytestmark = pytest.mark.django_db
BIG = "9223372036854775807"


@pytest.fixture
def token(intake: Any) -> str:
    return create_api_token(intake, name="客户端", actor=None)[1]


@pytest.fixture
def api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_chinese_4xx(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.content[:300]
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        text = json.dumps(response.json(), ensure_ascii=False)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    return text


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/appeals/?status=%00",
        "/api/v1/enterprises/?q=%E7%94%B2%00",
        "/api/v1/policies/items?q=a%00b",
        "/open311/v2/requests.json?service_request_id=%00",
    ],
)
def test_nul_in_a_query_string_is_a_400_naming_the_parameter(api: Client, path: str) -> None:
    text = assert_chinese_4xx(api.get(path))
    assert "U+0000" in text


def test_nul_in_a_json_body_is_a_400_naming_the_field(api: Client, enterprise_a: Any) -> None:
    body = {
        "title": "停电\u0000三天",
        "description": "厂区停电",
        "requester_name": "刘经理",
        "requester_phone": "13812345678",
    }
    response = api.post("/api/v1/appeals/", json.dumps(body), content_type="application/json")
    text = assert_chinese_4xx(response)
    assert response.json()["errors"][0]["field"] == "title" and "title" in text
    assert not Appeal.objects.exists()


def test_a_bell_character_in_a_json_body_is_refused_too(api: Client) -> None:
    body = {"title": "停电", "description": "厂区\u0007停电", "requester_name": "刘",
            "requester_phone": "13812345678"}  # fmt: skip
    response = api.post("/api/v1/appeals/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "description"


def test_multi_line_text_with_tabs_is_still_accepted(api: Client) -> None:
    body = {"title": "停电", "description": "第一行\r\n第二行\t完", "requester_name": "刘经理",
            "requester_phone": "13812345678"}  # fmt: skip
    response = api.post("/api/v1/appeals/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert Appeal.objects.get().description == "第一行\r\n第二行\t完"


def test_a_multipart_body_without_boundary_is_a_400(api: Client) -> None:
    response = api.generic(
        "POST", "/api/v1/enterprises/imports", b"--x\r\n\r\n", content_type="multipart/form-data"
    )
    assert "boundary" in assert_chinese_4xx(response)


def test_nul_in_an_open311_field_is_a_400_in_the_spec_format(token: str) -> None:
    response = Client().post(
        "/open311/v2/requests.json",
        {"api_key": token, "service_code": "utilities", "description": "路灯\x00不亮",
         "lat": "30.5", "long": "106.6", "phone": "13812345678"},
    )  # fmt: skip
    assert_chinese_4xx(response)
    assert response.json()[0]["code"] == 400 and "description" in response.json()[0]["description"]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/policies/items?offset=-1",
        f"/api/v1/policies/items?offset={BIG}",
        f"/api/v1/policies/items?limit={BIG}",
        f"/api/v1/appeals/?page={BIG}",
        "/api/v1/appeals/?page=0",
        f"/api/v1/enterprises/?page={BIG}",
        "/api/v1/enterprises/?page=-1",
    ],
)
def test_out_of_range_paging_is_a_422_in_chinese(api: Client, path: str) -> None:
    response = api.get(path)
    assert_chinese_4xx(response, 422)
    assert response.json()["errors"][0]["field"] in ("offset", "limit", "page")


def test_a_web_form_keeps_the_text_but_drops_control_characters(
    client_for: Any, intake: Any
) -> None:
    from django.urls import reverse

    from qinqing.appeals.models import Category

    response = client_for(intake).post(
        reverse("appeals:intake"),
        {"type": "appeal", "channel": "phone", "category": Category.objects.first().pk,
         "title": "厂区\x07停电", "description": "停电\x00三天\n无人处理",
         "requester_name": "刘经理", "requester_phone": "13812345678"},
    )  # fmt: skip
    assert response.status_code in (200, 302)
    appeal = Appeal.objects.get()
    assert (appeal.title, appeal.description) == ("厂区停电", "停电三天\n无人处理")


def test_an_enterprise_posting_another_enterprises_credit_code_is_told_so(
    enterprise_user_a: Any, enterprise_b: Any
) -> None:
    token = create_api_token(enterprise_user_a, name="甲", actor=None)[1]
    body = {"title": "停电", "description": "厂区停电三天", "requester_name": "刘经理",
            "requester_phone": "13812345678", "enterprise_uscc": enterprise_b.uscc}  # fmt: skip
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/v1/appeals/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    message = response.json()["errors"][0]["message"]
    assert enterprise_b.uscc in message and "本企业" in message
    assert not Appeal.objects.exists()
