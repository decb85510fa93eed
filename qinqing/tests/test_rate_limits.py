"""The JSON API and Open311 limit requests per caller and say when to come back."""

import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from qinqing.accounts.services import create_api_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    cache.clear()


def test_the_api_answers_429_with_retry_after_past_the_limit(intake: Any, settings: Any) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    token = create_api_token(intake, name="客户端", actor=None)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/v1/me")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert "请求过于频繁" in limited.json()["detail"]


def test_the_api_limit_counts_each_caller_apart(
    intake: Any, supervisor: Any, settings: Any
) -> None:
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    first = Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(intake, name='a', actor=None)[1]}")
    other = Client(
        HTTP_AUTHORIZATION=f"Bearer {create_api_token(supervisor, name='b', actor=None)[1]}"
    )
    assert first.get("/api/v1/me").status_code == 200
    assert first.get("/api/v1/me").status_code == 429
    assert other.get("/api/v1/me").status_code == 200


def test_open311_answers_429_in_the_spec_format(intake: Any, settings: Any) -> None:
    settings.OPEN311_RATE_LIMIT_PER_MINUTE = 2
    key = create_api_token(intake, name="open311", actor=None)[1]
    client = Client()
    for _ in range(2):
        assert client.get("/open311/v2/requests.json", {"api_key": key}).status_code == 200
    limited = client.get("/open311/v2/requests.json", {"api_key": key})
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert limited.json()[0]["code"] == 429


@time_machine.travel(dt.datetime(2026, 5, 6, 9, 0, 10, tzinfo=dt.UTC), tick=False)
def test_hits_reserved_in_blocks_never_let_more_than_the_limit_through() -> None:
    """Far below the limit a process reserves hits in blocks; what another process
    counted meanwhile is taken into account, and no more than the limit pass in all."""
    from qinqing.core import ratelimit
    from qinqing.core.cache import count

    limit = 20
    assert ratelimit.hit("probe", "user:1", limit) is None  # reserves RESERVE hits
    window = int(time.time() // ratelimit.WINDOW_SECONDS)
    key = f"ratelimit:probe:user:1:{window}"
    other_process = limit - ratelimit.RESERVE  # the rest of the minute, used elsewhere
    assert count(key, timeout=65, by=other_process) == limit
    passed = 1 + sum(ratelimit.hit("probe", "user:1", limit) is None for _ in range(limit))
    assert passed + other_process == limit


@time_machine.travel(dt.datetime(2026, 5, 6, 9, 0, 10, tzinfo=dt.UTC), tick=False)
def test_a_small_limit_is_counted_one_by_one() -> None:
    from qinqing.core import ratelimit

    results = [ratelimit.hit("probe", "user:2", 12) for _ in range(14)]
    assert [r is None for r in results] == [True] * 12 + [False] * 2
    assert all(1 <= r <= 61 for r in results[12:] if r is not None)
