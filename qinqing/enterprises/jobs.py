"""The life of an import job beyond one run: a heartbeat while it runs (its lease), the
sweep that marks a job whose worker died as failed, and the retry of a failed job under
the same Idempotency-Key (a fresh attempt on the same row, never a second job).

A worker killed with SIGKILL cannot say it died; the heartbeat stops instead, and after
`IMPORT_JOB_LEASE_SECONDS` without one the sweep (a periodic task) marks the job failed.
"""

import datetime as dt
from contextlib import AbstractContextManager
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from qinqing.core.jobs import beating
from qinqing.enterprises import events
from qinqing.enterprises.models import ImportJob


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "IMPORT_JOB_LEASE_SECONDS", 180))


def heartbeat_interval() -> float:
    return float(getattr(settings, "IMPORT_JOB_HEARTBEAT_SECONDS", 30))


def beat(job_id: int) -> None:
    ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )


def heartbeat(job_id: int) -> AbstractContextManager[None]:
    """Renew the job's lease from a side thread while the body runs (reading and checking
    a large file can take minutes before the first progress report)."""
    return beating(
        partial(beat, job_id), every=heartbeat_interval(), name=f"import-heartbeat-{job_id}"
    )


def stale_jobs(now: dt.datetime | None = None) -> list[int]:
    cutoff = (now or timezone.now()) - lease()
    return list(
        ImportJob.objects.filter(status=ImportJob.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
        .values_list("pk", flat=True)
    )


def sweep_stale_jobs(now: dt.datetime | None = None) -> int:
    """Mark running jobs whose lease ran out as failed (each with a timeline event).
    Returns how many. Safe to run twice or in two workers: the update is conditional."""
    now = now or timezone.now()
    cutoff = now - lease()
    swept = 0
    for job_id in stale_jobs(now):
        with transaction.atomic():
            claimed = (
                ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING)
                .filter(
                    Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
                )
                .update(status=ImportJob.Status.FAILED, finished_at=now)
            )
            if claimed:
                job = ImportJob.objects.get(pk=job_id)
                events.import_finished(
                    actor=None,
                    job_id=job_id,
                    status=ImportJob.Status.FAILED,
                    counts={"processed": job.processed_rows, "attempt": job.attempt},
                )
                swept += 1
    return swept


def restart_failed_job(job: ImportJob) -> bool:
    """Put a failed job back in the queue as a fresh attempt. False when it is not failed
    (any more): another retry got there first."""
    return bool(
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED).update(
            status=ImportJob.Status.QUEUED,
            attempt=F("attempt") + 1,
            heartbeat_at=None,
            finished_at=None,
            total_rows=0,
            processed_rows=0,
            created_count=0,
            updated_count=0,
            unchanged_count=0,
            error_count=0,
            errors=[],
        )
    )
