"""A full run split into shards, one per queue worker, stores exactly what one run does;
the run a policy officer starts tracks its parts, and a killed worker leaves no stuck run."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from qinqing.enterprises.models import Enterprise
from qinqing.lib.uscc import make_uscc
from qinqing.policies import fullrun, services
from qinqing.policies.factories import (
    make_item,
    publish_rule,
    qualification,
    year_fact,
)
from qinqing.policies.models import MatchDigest, MatchResult, MatchRun, MatchShard
from qinqing.policies.services import runs
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
Status = MatchRun.Status


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


def forget_results() -> None:
    MatchResult.objects.all().delete()
    MatchDigest.objects.all().delete()


def one_run(policy_officer, capture) -> tuple[set[tuple], int]:  # type: ignore[no-untyped-def]
    """What one unsharded run started by the officer stores, and its eligible count."""
    forget_results()
    with capture(execute=True):
        run = services.start_full_match(actor=policy_officer, shards=1)
    run.refresh_from_db()
    assert run.status == Status.DONE
    return table(), run.eligible


def test_the_officers_sharded_run_stores_what_one_run_stores(
    policy_officer, district, client_for, django_capture_on_commit_callbacks, settings
) -> None:  # type: ignore[no-untyped-def]
    populate(policy_officer, district)
    expected, eligible = one_run(policy_officer, django_capture_on_commit_callbacks)
    assert {row[3] for row in expected} == {"E", "A", "U"} and eligible > 0
    forget_results()
    settings.MATCH_SHARDS = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(policy_officer).post(reverse("policies:run_start"))
    run = MatchRun.objects.order_by("-pk").first()
    assert run is not None and response["Location"] == reverse("policies:run", args=[run.pk])
    assert (run.shards, run.status, run.done, run.eligible, run.percent) == (
        3, Status.DONE, 2, eligible, 100,
    )  # fmt: skip
    parts = list(run.parts.order_by("number"))
    assert [(p.number, p.status, p.attempt) for p in parts] == [
        (n, Status.DONE, 1) for n in range(3)
    ]
    assert sum(p.rows for p in parts) == len(expected)
    assert table() == expected
    page = client_for(policy_officer).get(response["Location"]).content.decode()
    assert "分为 3 个分片，各由一个后台进程处理：已完成 3 个。" in page
    assert 'id="run-parts"' in page and "已完成" in page

    # a task delivered twice does nothing; a second sharded run finds nothing changed
    assert services.run_match_shard(run.pk, 0) is None
    assert services.run_full_match(run.pk).status == Status.DONE
    with django_capture_on_commit_callbacks(execute=True):
        again = services.start_full_match(actor=policy_officer)
    again.refresh_from_db()
    assert (again.status, again.eligible) == (Status.DONE, eligible)
    assert table() == expected


class Killed(BaseException):
    """What a worker killed mid-task amounts to: it stops, and nothing is recorded."""


def test_a_killed_worker_is_replaced_and_the_run_completes(
    policy_officer, district, django_capture_on_commit_callbacks, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    populate(policy_officer, district)
    expected, eligible = one_run(policy_officer, django_capture_on_commit_callbacks)
    forget_results()
    queued: list[tuple[int, int]] = []
    monkeypatch.setattr(runs, "_enqueue_shard", lambda run_id, n: queued.append((run_id, n)))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_full_match(actor=policy_officer, shards=2)
    assert sorted(queued) == [(run.pk, 0), (run.pk, 1)]
    # asking again while it runs shows the run under way instead of starting another
    assert services.start_full_match(actor=policy_officer, shards=2).pk == run.pk

    real = fullrun.evaluate_all

    def dies(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Killed

    monkeypatch.setattr(fullrun, "evaluate_all", dies)
    with pytest.raises(Killed):
        match_shard_task.call_local(run.pk, 0)  # claimed, then the worker was killed
    monkeypatch.setattr(fullrun, "evaluate_all", real)
    match_shard_task.call_local(run.pk, 1)
    run.refresh_from_db()
    assert (run.status, run.done) == (Status.RUNNING, 1)  # one of two parts done
    assert MatchShard.objects.get(run=run, number=0).status == Status.RUNNING

    queued.clear()
    assert services.sweep_match_runs() == 0  # the lease has not run out yet
    later = timezone.now() + runs.lease() + dt.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_match_runs(later) == 1
    assert queued == [(run.pk, 0)]
    part = MatchShard.objects.get(run=run, number=0)
    assert (part.status, part.attempt) == (Status.QUEUED, 2)

    match_shard_task.call_local(run.pk, 0)  # the new attempt
    run.refresh_from_db()
    assert (run.status, run.eligible, run.error) == (Status.DONE, eligible, "")
    assert table() == expected


@pytest.mark.django_db(transaction=True)
def test_a_superseded_attempt_stores_nothing(policy_officer, district, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        pytest.skip("the sweep must run on its own connection while the worker works")
    populate(policy_officer, district)
    forget_results()
    monkeypatch.setattr(runs, "_enqueue_shard", lambda run_id, n: None)
    run = services.start_full_match(actor=policy_officer, shards=2)  # claimed and split
    real = fullrun.evaluate_all
    swept: list[int] = []

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        # while this worker evaluates, its lease runs out and another worker's sweep
        # re-queues the part
        def sweep() -> None:
            try:
                later = timezone.now() + runs.lease() + dt.timedelta(seconds=1)
                swept.append(services.sweep_match_runs(later))
            finally:
                connections.close_all()

        thread = threading.Thread(target=sweep)
        thread.start()
        thread.join()
        return real(*args, **kwargs)

    monkeypatch.setattr(fullrun, "evaluate_all", slow)
    assert services.run_match_shard(run.pk, 0) is None
    assert swept == [2]  # this part, and the other (still queued) queued again
    assert MatchResult.objects.count() == 0
    part = MatchShard.objects.get(run=run, number=0)
    assert (part.status, part.attempt) == (Status.QUEUED, 2)


def test_a_part_that_keeps_dying_fails_the_run_with_a_reason_the_officer_reads(
    policy_officer, district, client_for, django_capture_on_commit_callbacks, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    populate(policy_officer, district)
    monkeypatch.setattr(runs, "_enqueue_shard", lambda run_id, n: None)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_full_match(actor=policy_officer, shards=2)

    def dies(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Killed

    monkeypatch.setattr(fullrun, "evaluate_all", dies)
    later = timezone.now()
    for _attempt in range(3):
        with pytest.raises(Killed):
            services.run_match_shard(run.pk, 1)
        later += runs.lease() + dt.timedelta(seconds=1)
        services.sweep_match_runs(later)
    run.refresh_from_db()
    part = MatchShard.objects.get(run=run, number=1)
    assert (run.status, part.status, part.attempt) == (Status.FAILED, Status.FAILED, 3)
    page = client_for(policy_officer).get(reverse("policies:run", args=[run.pk])).content.decode()
    assert "第 2/2 个分片已 3 次失去响应" in page and "请重新发起匹配" in page
    assert services.run_match_shard(run.pk, 0) is None  # a failed run takes no more parts


def test_an_error_in_a_part_fails_the_run_at_once(
    policy_officer, district, django_capture_on_commit_callbacks, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    populate(policy_officer, district)
    monkeypatch.setattr(runs, "_enqueue_shard", lambda run_id, n: None)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_full_match(actor=policy_officer, shards=2)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("facts unreadable")

    monkeypatch.setattr(fullrun, "evaluate_all", broken)
    with pytest.raises(ValueError):
        services.run_match_shard(run.pk, 0)
    run.refresh_from_db()
    assert run.status == Status.FAILED and "facts unreadable" in run.error


@pytest.mark.django_db(transaction=True)
def test_shards_on_concurrent_workers_store_what_one_run_stores(
    policy_officer, district, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        pytest.skip("one writer at a time on SQLite; the threads would only queue")
    populate(policy_officer, district)
    run = MatchRun.objects.create(scope="full", shards=1)
    services.run_full_match(run.pk)
    expected = table()
    eligible = MatchRun.objects.get(pk=run.pk).eligible
    MatchResult.objects.filter(enterprise_id__lt=2 * BUCKET).delete()  # stale and missing rows
    MatchDigest.objects.all().delete()
    monkeypatch.setattr(runs, "_enqueue_shard", lambda run_id, n: None)
    run = services.start_full_match(actor=policy_officer, shards=3)  # claimed and split at once
    errors: list[BaseException] = []

    def worker(shard: int) -> None:
        try:
            match_shard_task.call_local(run.pk, shard)
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
    run.refresh_from_db()
    assert (run.status, run.eligible) == (Status.DONE, eligible)  # closed exactly once
