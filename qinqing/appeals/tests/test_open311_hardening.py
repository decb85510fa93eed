"""Open311 refuses nonsense coordinates and over-long fields in the spec's error format, and
its XML stays well-formed whatever was stored (issue 15)."""

import json
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


def submit(key: str, fmt: str = "json", **extra: str) -> Any:
    data = {"api_key": key, "service_code": "utilities", "description": "路灯不亮已一周",
            "lat": "30.5", "long": "106.6", "phone": "13812345678"}  # fmt: skip
    data.update(extra)
    return Client().post(f"{BASE}/requests.{fmt}", data)


@pytest.mark.parametrize(
    ("field", "value"),
    [("lat", "nan"), ("lat", "inf"), ("lat", "-Infinity"), ("lat", "91"), ("long", "181"),
     ("long", "1e308"), ("lat", "-90.0001")],
)  # fmt: skip
def test_impossible_coordinates_are_refused(key: str, field: str, value: str) -> None:
    response = submit(key, **{field: value})
    assert response.status_code == 400
    error = response.json()[0]
    assert error["code"] == 400 and field in error["description"]
    assert not Appeal.objects.exists()


def test_coordinates_at_the_edges_are_accepted_and_served_as_valid_json(key: str) -> None:
    assert submit(key, lat="-90", long="180").status_code == 201
    listed = Client().get(f"{BASE}/requests.json", {"api_key": key})
    rows = json.loads(listed.content)  # strict JSON: NaN/Infinity would not survive this
    assert (rows[0]["lat"], rows[0]["long"]) == (-90.0, 180.0)


def test_a_too_long_address_is_refused_never_cut(key: str) -> None:
    response = submit(key, address_string="街" * 5000)
    assert response.status_code == 400
    assert "address_string" in response.json()[0]["description"]
    assert "200" in response.json()[0]["description"]
    assert not Appeal.objects.exists()


def test_the_xml_answer_stays_well_formed_with_a_stored_control_character(key: str) -> None:
    assert submit(key).status_code == 201
    # a row stored before input was cleaned
    Appeal.objects.update(description="路灯\x0b不亮")
    response = Client().get(f"{BASE}/requests.xml", {"api_key": key})
    root = ET.fromstring(response.content)  # noqa: S314 - raises on malformed XML
    assert root.find("request/description").text == "路灯不亮"


def test_a_control_character_in_an_xml_post_is_refused_in_xml(key: str) -> None:
    response = submit(key, fmt="xml", description="路灯\x01不亮")
    assert response.status_code == 400
    root = ET.fromstring(response.content)  # noqa: S314
    assert (
        root.find("error/code").text == "400"
        and "description" in root.find("error/description").text
    )
