"""One intake input for every adapter: built once, checked once, every bad field named."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from qinqing.appeals.models import Appeal, Category
from qinqing.appeals.services import IntakeInput, register_appeal
from qinqing.appeals.tests.test_api import BASE, NEW, api_client, post

pytestmark = pytest.mark.django_db
GOOD = {
    "channel": "phone",
    "title": "园区道路积水",
    "description": "雨后积水半米",
    "requester_name": "刘经理",
    "requester_phone": "13812345678",
}


def errors_of(**fields: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as err:
        IntakeInput(**{**GOOD, **fields})
    return err.value.message_dict


def test_every_bad_field_is_named_at_once() -> None:
    errors = errors_of(
        title=" ", requester_phone="abc", channel="fax", appeal_type="rumour", address="路" * 201
    )
    assert set(errors) == {"title", "requester_phone", "channel", "type", "address"}
    assert errors["title"] == ["请填写标题。"]
    assert errors["address"] == ["地址不能超过 200 个字。"]  # refused, never cut


@pytest.mark.parametrize("lat", [float("nan"), float("inf"), 91.0, -1e308])
def test_coordinates_off_the_globe_are_refused(lat: float) -> None:
    assert set(errors_of(lat=lat, lon=106.5)) == {"lat"}


def test_text_is_trimmed_once_when_built() -> None:
    data = IntakeInput(**{**GOOD, "title": "  园区道路积水 ", "idempotency_key": " k1 "})
    assert data.title == "园区道路积水" and data.idempotency_key == "k1"


def test_a_long_idempotency_key_is_refused() -> None:
    assert set(errors_of(idempotency_key="k" * 151)) == {"idempotency_key"}


def test_a_retired_category_and_a_department_as_division_are_refused(district: Any) -> None:
    category = Category.objects.filter(is_active=True).first()
    assert category is not None
    category.is_active = False
    errors = errors_of(category=category, division=district.dept)
    assert errors == {"category": ["该诉求分类已停用。"], "division": ["所属区划必须是行政区划。"]}


def test_the_service_takes_the_built_input(intake: Any) -> None:
    appeal, created = register_appeal(IntakeInput(**GOOD, idempotency_key="a"), actor=intake)
    assert created and appeal.title == GOOD["title"]
    again, created_again = register_appeal(IntakeInput(**GOOD, idempotency_key="a"), actor=intake)
    assert again.pk == appeal.pk and not created_again
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("category_id", 999999), ("division_id", 999999), ("enterprise_uscc", "91500000MA0000000X")],
)
def test_the_api_names_its_own_field_when_a_reference_is_unknown(
    intake: Any, field: str, value: Any
) -> None:
    response = post(api_client(intake), f"{BASE}/", {**NEW, field: value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Appeal.objects.exists()
