"""A full matching run, streamed: the enterprises a slice at a time (SLICE_BUCKETS
storage buckets of ids), each slice's facts loaded on other connections while the
previous slice is evaluated, and each slice's results stored as soon as they are
decided (fullstore.FullStore: only what changed), so memory stays flat however many
enterprises there are. One run, or one shard of a run split across queue workers
(the enterprises whose bucket is `shard` modulo `shards`), in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl
from django.db import connection, connections, transaction

from qinqing.enterprises.facts import IdSlice, enterprise_id_bounds
from qinqing.policies.facts import fact_frame
from qinqing.policies.fullstore import FullStore
from qinqing.policies.matching import Compiled, evaluate_all
from qinqing.policies.plan import Plan
from qinqing.policies.rules import Need
from qinqing.policies.storing import BUCKET, StoreStats

SLICE_BUCKETS = 64  # 262,144 enterprise ids per slice (of one shard)


@dataclass
class RunReport:
    """What a full run decided and where its time went (seconds)."""

    rows: int = 0
    eligible: int = 0
    slices: int = 0
    load: float = 0.0  # waiting for a slice's facts (most of it overlaps evaluation)
    evaluate: float = 0.0
    store: float = 0.0
    finish: float = 0.0  # of `store`: keying and swapping a rebuilt table, old buckets
    stats: StoreStats = field(default_factory=StoreStats)


def _slices(shard: tuple[int, int] | None, slice_buckets: int) -> list[IdSlice]:
    bounds = enterprise_id_bounds()
    if bounds is None:
        return []
    number, shards = shard if shard is not None else (0, 1)
    step = slice_buckets * BUCKET * shards
    low, high = bounds[0] // BUCKET * BUCKET, bounds[1] + 1
    return [
        IdSlice(start, min(start + step, high), BUCKET, shards, number)
        for start in range(low, high, step)
    ]


def _lock(shard: tuple[int, int] | None) -> None:
    """Two attempts at the same part (a worker thought dead that was only slow) write
    one after the other: a transaction-level advisory lock per part (PostgreSQL)."""
    if connection.vendor == "postgresql":
        number, shards = shard if shard is not None else (0, 1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext('policies.fullrun'), %s)",
                [shards * 1000 + number],
            )


def run_full(
    items: Sequence[Compiled],
    *,
    shard: tuple[int, int] | None = None,
    progress: Callable[[float], None] | None = None,
    before_commit: Callable[[RunReport], None] | None = None,
    slice_buckets: int = SLICE_BUCKETS,
) -> RunReport:
    """Decide every item for every enterprise (of the shard) and store what changed, in
    one transaction; `progress(share done)` after each slice; `before_commit(report)`
    runs last inside the transaction (and may raise to undo everything)."""
    needs: set[Need] = set()
    for compiled in items:
        needs |= compiled.needs()
    # other connections see the registry only outside a transaction of this one
    threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
    slices = _slices(shard, slice_buckets)
    plans: dict[tuple[str, ...], Plan] = {}
    report = RunReport()

    def load(part: IdSlice) -> pl.DataFrame:
        try:
            return fact_frame(needs, id_slice=part)
        finally:
            if threaded:
                connections.close_all()  # the loader thread's own connection

    with transaction.atomic(), ThreadPoolExecutor(max_workers=1) as loader:
        _lock(shard)
        store = FullStore(shard)

        def start(index: int) -> Future[pl.DataFrame] | None:
            if index >= len(slices):
                return None
            if threaded:
                return loader.submit(load, slices[index])
            done: Future[pl.DataFrame] = Future()
            done.set_result(load(slices[index]))
            return done

        upcoming = start(0)
        for index, part in enumerate(slices):
            t0 = time.perf_counter()
            assert upcoming is not None
            frame = upcoming.result()
            upcoming = start(index + 1)  # the next slice loads while this one is decided
            t1 = time.perf_counter()
            columns = tuple(frame.columns)
            if columns not in plans:
                plans[columns] = Plan(items, columns)
            results = evaluate_all(frame, items, plan=plans[columns])
            t2 = time.perf_counter()
            store.write(results, store.buckets(part.low, part.high))
            t3 = time.perf_counter()
            report.rows += results.height
            report.eligible += int((results["outcome"] == 1).sum())
            report.slices += 1
            report.load += t1 - t0
            report.evaluate += t2 - t1
            report.store += t3 - t2
            if progress is not None:
                progress((index + 1) / len(slices))
        t0 = time.perf_counter()
        report.stats = store.finish()
        report.finish = time.perf_counter() - t0
        report.store += report.finish
        if before_commit is not None:
            before_commit(report)
    return report
