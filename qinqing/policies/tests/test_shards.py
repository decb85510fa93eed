"""A full run split into shards, one per queue worker, stores exactly what one run does."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from qinqing.enterprises.models import Enterprise
from qinqing.lib.uscc import make_uscc
from qinqing.policies import services
from qinqing.policies.factories import (
    make_item,
    publish_rule,
    qualification,
    year_fact,
)
from qinqing.policies.models import MatchDigest, MatchResult, MatchRun
from qinqing.policies.storing import BUCKET
from qinqing.policies.tasks import match_shard_task

RULES = [
    {
        "all": [
            {"type": "qualification", "kind": "high_tech", "on": "2026-06-30"},
            {"type": "threshold", "field": "revenue", "year": 2025, "op": ">=", "value": 1000},
        ]
    },
    {
        "all": [
            {"type": "threshold", "field": "employees", "year": 2025, "op": ">=", "value": 10},
            {"type": "flag", "field": "serious_dishonesty", "value": False},
        ]
    },
]


def table() -> set[tuple]:
    return set(
        MatchResult.objects.values_list(
            "item_id", "rule_version_id", "enterprise_id", "outcome", "amount", "missing"
        )
    )


def populate(policy_officer, district) -> None:  # type: ignore[no-untyped-def]
    for n in range(18):  # enterprises spread over six buckets
        # ids chosen to land in six storage buckets: the registry cannot choose ids, so the
        # rows are placed directly; their facts still go through the registry below
        e = Enterprise.objects.create(
            id=(n % 6) * BUCKET + n + 1,
            uscc=make_uscc(f"915116029{n:08d}"),
            name=f"分片企业{n}",
            serious_dishonesty=n % 5 == 0 or None,
        )
        if n % 2:
            qualification(e, "high_tech", dt.date(2024, 1, 1))
        if n % 4 != 3:
            year_fact(e, 2025, revenue=Decimal(300 * n), employees=n)
    for rule in RULES:
        publish_rule(
            make_item(actor=policy_officer, department=district.dept), rule, actor=policy_officer
        )


def one_run(policy_officer) -> set[tuple]:  # type: ignore[no-untyped-def]
    MatchResult.objects.all().delete()
    MatchDigest.objects.all().delete()
    run = MatchRun.objects.create(scope="full")
    services.run_full_match(run.pk)
    return table()


def test_shards_run_one_after_another_store_what_one_run_stores(
    db, policy_officer, district
) -> None:  # type: ignore[no-untyped-def]
    populate(policy_officer, district)
    expected = one_run(policy_officer)
    assert {row[3] for row in expected} == {"E", "A", "U"}
    MatchResult.objects.all().delete()
    MatchDigest.objects.all().delete()
    for shard in range(3):
        match_shard_task.call_local(shard, 3)
    assert table() == expected
    for shard in range(3):  # a second sharded run finds nothing changed
        match_shard_task.call_local(shard, 3)
    assert table() == expected


@pytest.mark.django_db(transaction=True)
def test_shards_on_concurrent_workers_store_what_one_run_stores(policy_officer, district) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        pytest.skip("one writer at a time on SQLite; the threads would only queue")
    populate(policy_officer, district)
    expected = one_run(policy_officer)
    MatchResult.objects.filter(enterprise_id__lt=2 * BUCKET).delete()  # stale and missing rows
    MatchDigest.objects.all().delete()
    errors: list[BaseException] = []

    def worker(shard: int) -> None:
        try:
            match_shard_task.call_local(shard, 3)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(shard,)) for shard in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert table() == expected
