"""Full matching runs (匹配批次): started by a policy officer, done by queue workers.

A run is split into `MatchRun.shards` parts (settings.MATCH_SHARDS; 1 does it in one
task). Each part is a MatchShard row and one queue task: the task claims its row,
evaluates every active item over the part's enterprises, and in one transaction stores
what changed, marks the part done and, when it is the last, closes the run (status,
eligible pairs). Every step is a conditional update, so a task delivered twice does
nothing the second time.

While a part works its worker renews the part's heartbeat. The sweep (a periodic task)
queues a part whose heartbeat ran out again as a new attempt (its worker was killed)
and, after MATCH_SHARD_ATTEMPTS, fails the run with a reason the officer reads on the
run page. Only the part's current attempt may store: a worker that was only slow finds
itself superseded and writes nothing."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import AbstractContextManager
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qinqing.core.jobs import beating, enqueue
from qinqing.policies import fullrun, matching
from qinqing.policies.models import MatchRun, MatchShard

Status = MatchRun.Status


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "MATCH_SHARD_LEASE_SECONDS", 300))


def start_full_match(*, actor: Any, shards: int | None = None) -> MatchRun:
    """Queue a full run over every published item and every enterprise, in `shards`
    parts (default settings.MATCH_SHARDS); while one is queued or running, that one."""
    shards = max(1, shards if shards is not None else getattr(settings, "MATCH_SHARDS", 1))
    with transaction.atomic():
        active = (
            MatchRun.objects.select_for_update()
            .filter(scope=MatchRun.Scope.FULL, status__in=[Status.QUEUED, Status.RUNNING])
            .first()
        )
        if active is not None:
            return active  # one full run at a time: asking again shows the one under way
        run = MatchRun.objects.create(scope="full", requested_by=actor, shards=shards)
        transaction.on_commit(lambda: _enqueue_run(run.pk))
    return run


def _enqueue_run(run_id: int) -> None:
    enqueue("qinqing.policies.tasks.run_full_match_task", run_id)


def _enqueue_shard(run_id: int, number: int) -> None:
    enqueue("qinqing.policies.tasks.match_shard_task", run_id, number)


def _enqueue_shards(run_id: int, shards: int) -> None:
    for number in range(shards):
        _enqueue_shard(run_id, number)


def run_full_match(run_id: int) -> MatchRun:
    """Claim a queued run and start its parts: one part is done right here, several
    are queued one task each. Safe to run twice (a claimed run is left alone)."""
    try:
        items = matching.active_items()
        with transaction.atomic():
            claimed = MatchRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
                status=Status.RUNNING, started_at=timezone.now(), total=len(items)
            )
            run = MatchRun.objects.get(pk=run_id)
            if not claimed:
                return run
            MatchShard.objects.bulk_create(
                [MatchShard(run=run, number=n) for n in range(run.shards)],
                ignore_conflicts=True,
            )
            if run.shards > 1:
                transaction.on_commit(lambda: _enqueue_shards(run_id, run.shards))
    except Exception as exc:
        _fail_run(run_id, _("The run could not start: %(error)s") % {"error": exc})
        raise
    if run.shards == 1:
        run_match_shard(run_id, 0)
    run.refresh_from_db()
    return run


def run_match_shard(run_id: int, number: int) -> MatchShard | None:
    """One part of a run, as its queue task does it. Returns the part, or None when
    there was nothing to do (done already, taken by another worker, run failed)."""
    now = timezone.now()
    claimed = MatchShard.objects.filter(
        run_id=run_id, number=number, status=Status.QUEUED, run__status=Status.RUNNING
    ).update(status=Status.RUNNING, started_at=now, heartbeat_at=now)
    if not claimed:
        return None
    shard = MatchShard.objects.select_related("run").get(run_id=run_id, number=number)
    run = shard.run

    def finish(report: fullrun.RunReport) -> None:
        """Inside the run's transaction: only the part's current attempt may commit."""
        mine = MatchShard.objects.filter(
            pk=shard.pk, status=Status.RUNNING, attempt=shard.attempt
        ).update(
            status=Status.DONE,
            finished_at=timezone.now(),
            rows=report.rows,
            eligible=report.eligible,
        )
        if not mine:
            raise Superseded
        _close_if_complete(run_id)

    try:
        with _heartbeat(shard.pk, shard.attempt):
            fullrun.run_full(
                matching.active_items(),
                shard=None if run.shards == 1 else (number, run.shards),
                progress=_progress(run_id) if run.shards == 1 else None,
                before_commit=finish,
            )
    except Superseded:
        return None  # the sweep gave the part to another attempt: nothing was stored
    except Exception as exc:
        _fail_shard(shard, str(exc))
        raise
    shard.refresh_from_db()
    return shard


class Superseded(Exception):
    """A part's attempt that lost its lease: its writes are rolled back."""


def _progress(run_id: int) -> Any:
    """Items done (the share of enterprises decided × items), seen by the run page: from
    another connection, since the run's own transaction is still open."""
    total = MatchRun.objects.get(pk=run_id).total

    def update(share: float) -> None:
        MatchRun.objects.filter(pk=run_id, status=Status.RUNNING).update(done=int(total * share))

    def progress(share: float) -> None:
        if connection.vendor != "postgresql":
            update(share)
            return

        def elsewhere() -> None:
            try:
                update(share)
            finally:
                connections.close_all()  # this thread's own connection

        thread = threading.Thread(target=elsewhere, name=f"match-progress-{run_id}")
        thread.start()
        thread.join()

    return progress


def _close_if_complete(run_id: int) -> None:
    """In the storing part's transaction: count the finished parts under the run's lock,
    so exactly one part (the last) closes the run."""
    run = MatchRun.objects.select_for_update().get(pk=run_id)
    if run.status != Status.RUNNING:
        return
    finished = MatchShard.objects.filter(run_id=run_id, status=Status.DONE)
    count = finished.count()
    if count < run.shards:
        MatchRun.objects.filter(pk=run_id).update(done=run.total * count // run.shards)
        return
    MatchRun.objects.filter(pk=run_id).update(
        status=Status.DONE,
        done=run.total,
        eligible=finished.aggregate(n=Sum("eligible"))["n"] or 0,
        finished_at=timezone.now(),
        error="",
    )


def _fail_shard(shard: MatchShard, error: str) -> None:
    with transaction.atomic():
        failed = MatchShard.objects.filter(
            pk=shard.pk, status=Status.RUNNING, attempt=shard.attempt
        ).update(status=Status.FAILED, finished_at=timezone.now(), error=error[:2000])
        if failed and shard.run.shards == 1:
            _fail_run(shard.run_id, error)
        elif failed:
            _fail_run(
                shard.run_id,
                _("Part %(number)s of %(shards)s failed: %(error)s")
                % {"number": shard.number + 1, "shards": shard.run.shards, "error": error},
            )


def _fail_run(run_id: int, error: str) -> None:
    MatchRun.objects.filter(pk=run_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


def _beat(shard_id: int, attempt: int) -> None:
    MatchShard.objects.filter(pk=shard_id, status=Status.RUNNING, attempt=attempt).update(
        heartbeat_at=timezone.now()
    )


def _heartbeat(shard_id: int, attempt: int) -> AbstractContextManager[None]:
    """Renew the part's lease from a side thread while the body works."""
    return beating(
        partial(_beat, shard_id, attempt),
        every=float(getattr(settings, "MATCH_SHARD_HEARTBEAT_SECONDS", 30)),
        name=f"match-shard-{shard_id}",
    )


def sweep_match_runs(now: dt.datetime | None = None) -> int:
    """Unstick runs whose workers died; returns how many parts it acted on.

    A running part silent for the lease is queued again as a new attempt, or after the
    last attempt fails its run with the reason. A part or a run still queued after the
    lease (its queue message was lost with a worker) is queued again: its claim is
    conditional, so a duplicate message does nothing. Safe in two workers at once."""
    now = now or timezone.now()
    cutoff = now - lease()
    attempts = getattr(settings, "MATCH_SHARD_ATTEMPTS", 3)
    acted = 0
    for run_id in MatchRun.objects.filter(
        scope=MatchRun.Scope.FULL, status=Status.QUEUED, created_at__lt=cutoff
    ).values_list("pk", flat=True):
        transaction.on_commit(partial(_enqueue_run, run_id))
        acted += 1
    stale = MatchShard.objects.filter(run__status=Status.RUNNING).filter(
        Q(status=Status.RUNNING, heartbeat_at__lt=cutoff)
        | Q(status=Status.QUEUED, enqueued_at__lt=cutoff)
    )
    for shard in stale.select_related("run"):
        with transaction.atomic():
            if shard.status == Status.QUEUED:
                moved = MatchShard.objects.filter(
                    pk=shard.pk, status=Status.QUEUED, enqueued_at__lt=cutoff
                ).update(enqueued_at=now)
            elif shard.attempt < attempts:
                moved = MatchShard.objects.filter(
                    pk=shard.pk, status=Status.RUNNING, attempt=shard.attempt
                ).update(
                    status=Status.QUEUED, attempt=F("attempt") + 1, enqueued_at=now,
                    heartbeat_at=None, started_at=None,
                )  # fmt: skip
            else:
                moved = MatchShard.objects.filter(
                    pk=shard.pk, status=Status.RUNNING, attempt=shard.attempt
                ).update(status=Status.FAILED, finished_at=now, error="lease ran out")
                if moved:
                    minutes = max(1, round(lease().total_seconds() / 60))
                    _fail_run(
                        shard.run_id,
                        _(
                            "Part %(number)s of %(shards)s stopped answering %(attempts)s "
                            "times (no sign of life for %(minutes)s minutes each time; the "
                            "worker was probably stopped). Please start a new run."
                        )
                        % {
                            "number": shard.number + 1,
                            "shards": shard.run.shards,
                            "attempts": shard.attempt,
                            "minutes": minutes,
                        },
                    )
                continue
            if moved:
                transaction.on_commit(partial(_enqueue_shard, shard.run_id, shard.number))
                acted += 1
    return acted
