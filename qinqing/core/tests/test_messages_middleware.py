"""The message storage is made only for requests that use it (core/middleware.py)."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils.functional import empty

from qinqing.appeals.tests.test_api import BASE, NEW, api_client, post
from qinqing.catalog import services
from qinqing.catalog.tests.factories import make_item

pytestmark = pytest.mark.django_db


def test_an_api_request_builds_no_message_storage_and_sets_no_cookie(intake: Any) -> None:
    response = post(api_client(intake), f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY="m1")
    assert response.status_code == 201
    assert response.wsgi_request._messages._wrapped is empty
    assert "messages" not in response.cookies


def test_a_message_added_by_an_action_is_shown_on_the_next_page_then_gone(
    client_for: Any, handler: Any, enterprise_user_a: Any, district: Any
) -> None:
    matter = services.apply_for_item(make_item(district.dept, "就业登记"), actor=enterprise_user_a)
    client = client_for(handler)
    response = client.post(reverse("catalog:act", args=[matter.pk, "accept"]), {"missing_days": 5})
    assert response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    assert "已受理，承诺 5 个工作日" in shown
    assert "已受理，承诺 5 个工作日" not in client.get(response["Location"]).content.decode()
