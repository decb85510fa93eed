"""Intake writes the appeal once and answers from what it wrote (issue 16)."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qinqing.appeals.models import Appeal, NumberCounter
from qinqing.appeals.tests.test_api import BASE, NEW, api_client, post

pytestmark = pytest.mark.django_db


def test_api_intake_inserts_the_appeal_once_and_reads_nothing_back(intake: Any) -> None:
    client = api_client(intake)
    post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY="warm")  # creates the number counter
    with CaptureQueriesContext(connection) as queries:
        response = post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY="once")
    assert response.status_code == 201
    statements = [q["sql"] for q in queries.captured_queries]
    appeal_writes = [
        s for s in statements if s.startswith(("INSERT", "UPDATE")) and 'appeals_appeal"' in s
    ]
    assert len(appeal_writes) == 1 and appeal_writes[0].startswith("INSERT")
    inserted_at = statements.index(appeal_writes[0])
    assert not any(
        s.startswith("SELECT") and ("appeals_appealevent" in s or "appeals_clock" in s)
        for s in statements[inserted_at:]
    )
    body = response.json()
    appeal = Appeal.objects.get(pk=body["id"])
    assert body["number"] == appeal.number
    assert appeal.number.lower() in appeal.search_text
    assert [e["kind"] for e in body["events"]] == ["registered"] and body["clocks"] == []


def test_numbers_follow_the_counter_and_the_counter_keeps_the_last_number(intake: Any) -> None:
    client = api_client(intake)
    numbers = [
        post(client, f"{BASE}/", NEW, HTTP_IDEMPOTENCY_KEY=f"k{i}").json()["number"]
        for i in range(3)
    ]
    tails = [int(n[-7:]) for n in numbers]
    assert tails == [tails[0], tails[0] + 1, tails[0] + 2]
    assert NumberCounter.objects.get().value == tails[-1]
