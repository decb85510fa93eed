"""The whole import: read, check every row, write the valid ones (or none); the job
that runs it, at once for a small file or in the queue for a large one."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from qinqing.core.jobs import enqueue
from qinqing.enterprises import events, jobs
from qinqing.enterprises.imports.indicators import (
    IndicatorRow,
    IndicatorValidator,
    apply_indicator_rows,
)
from qinqing.enterprises.imports.merge import MERGE_CHUNK, merge_profile_frame
from qinqing.enterprises.imports.profile_rows import ProfileValidator, frame_rows
from qinqing.enterprises.imports.reading import Columns, map_header, read_columns, read_table
from qinqing.enterprises.imports.template import (
    CHUNK,
    MAX_REPORTED_ERRORS,
    FileRejected,
    RowError,
)
from qinqing.enterprises.models import ImportJob
from qinqing.enterprises.profiles import Counts, ProfileRow, apply_profile_rows


@dataclass
class ImportResult:
    status: str
    total: int = 0
    counts: Counts = field(default_factory=Counts)
    errors: list[RowError] = field(default_factory=list)


def import_file(
    handle: IO[bytes],
    filename: str,
    *,
    kind: str,
    actor: Any,
    all_or_nothing: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Check every row, then write the valid ones (or none). `progress(done, total)` is
    called between chunks, outside the chunk transactions."""
    try:
        if kind == ImportJob.Kind.PROFILES:
            numbers, columns = read_columns(handle, filename, kind)
        else:
            header, body = read_table(handle, filename)
            positions = map_header(header, kind)
    except FileRejected as exc:
        return ImportResult(ImportJob.Status.REJECTED, errors=[RowError(1, "", str(exc))])
    if kind == ImportJob.Kind.PROFILES:
        total, valid, errors = _check_profiles(numbers, columns)
    else:
        total, valid, errors = _check_indicators(body, positions)
    result = ImportResult(ImportJob.Status.DONE, total=total, errors=errors)
    if total == 0:
        result.status = ImportJob.Status.REJECTED
        result.errors = [RowError(2, "", "文件中没有数据行")]
        return result
    if errors and all_or_nothing:
        result.status = ImportJob.Status.REJECTED
        return result
    as_of = timezone.now()
    done = 0
    chunk_size = MERGE_CHUNK if isinstance(valid, pl.DataFrame) else CHUNK
    for start in range(0, len(valid), chunk_size):
        chunk = valid[start : start + chunk_size]
        if isinstance(chunk, pl.DataFrame):
            result.counts.add(merge_profile_frame(chunk, actor=actor, as_of=as_of))
        elif kind == ImportJob.Kind.PROFILES:
            result.counts.add(apply_profile_rows(chunk, actor=actor, as_of=as_of))
        else:
            result.counts.add(apply_indicator_rows(chunk, as_of=as_of))
        done += len(chunk)
        if progress:
            progress(done, len(valid))
    return result


def _check_profiles(
    numbers: pl.Series, columns: Columns
) -> tuple[int, pl.DataFrame | list[ProfileRow], list[RowError]]:
    """Checked profile rows: a frame for the set-based merge (PostgreSQL), else
    ProfileRows for apply_profile_rows."""
    validator = ProfileValidator()
    frame, errors = validator.check_frame(numbers, columns)
    frame, late_errors = validator.finish_frame(frame)
    errors = sorted(errors + late_errors, key=lambda e: e.row)
    valid = frame if connection.vendor == "postgresql" else frame_rows(frame)
    return len(numbers), valid, errors


def _check_indicators(
    body: Iterable[tuple[int, list[str]]], positions: dict[str, int]
) -> tuple[int, list[IndicatorRow], list[RowError]]:
    validator = IndicatorValidator()
    valid: list[IndicatorRow] = []
    errors: list[RowError] = []
    total = 0
    for number, cells in body:
        total += 1
        values = {key: (cells[i] if i < len(cells) else "") for key, i in positions.items()}
        row, row_errors = validator.check(number, values)
        if row is not None:
            valid.append(row)
        errors.extend(row_errors)
    valid, late_errors = validator.finish(valid)
    return total, valid, sorted(errors + late_errors, key=lambda e: e.row)


def file_digest(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


def run_job(job_id: int) -> ImportJob | None:
    """Run a queued job. The conditional update claims it, so a retried task or a second
    worker does nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            processed_rows=done, total_rows=total, heartbeat_at=timezone.now()
        )

    try:
        with jobs.heartbeat(job_id), job.file.open("rb") as handle:
            result = import_file(
                handle, job.filename, kind=job.kind, actor=job.created_by,
                all_or_nothing=job.all_or_nothing, progress=progress,
            )  # fmt: skip
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now()
        )
        raise
    counts = {
        "created": result.counts.created,
        "updated": result.counts.updated,
        "unchanged": result.counts.unchanged,
        "errors": len(result.errors),
    }
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            status=result.status,
            total_rows=result.total,
            processed_rows=result.total if result.status == ImportJob.Status.DONE else 0,
            created_count=result.counts.created,
            updated_count=result.counts.updated,
            unchanged_count=result.counts.unchanged,
            error_count=len(result.errors),
            errors=[e.as_dict() for e in result.errors[:MAX_REPORTED_ERRORS]],
            finished_at=timezone.now(),
        )
        events.import_finished(
            actor=job.created_by, job_id=job_id, status=result.status, counts=counts
        )
    job.refresh_from_db()
    return job


INLINE_LIMIT_BYTES = 256 * 1024  # smaller files are imported while the user waits


def _retry_if_failed(job: ImportJob) -> tuple[ImportJob, bool]:
    """The job a repeated Idempotency-Key names; a failed one (its worker died, or it
    raised) starts again as a fresh attempt on the stored file. True when it restarted."""
    if job.status != ImportJob.Status.FAILED or not jobs.restart_failed_job(job):
        return job, False
    if job.file.size > INLINE_LIMIT_BYTES:
        enqueue("qinqing.enterprises.tasks.run_import_job", job.pk)
        job.refresh_from_db()
        return job, True
    return run_job(job.pk) or job, True


def start_import(
    upload: Any, *, kind: str, actor: Any, all_or_nothing: bool, idempotency_key: str
) -> tuple[ImportJob, bool]:
    """Store the upload as an ImportJob and run it: at once for a small file, in the
    background queue for a large one. The same idempotency key returns the same job
    (a double-submitted form or a retried API call does not import twice)."""
    existing = ImportJob.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _retry_if_failed(existing)
    digest = file_digest(upload)
    with transaction.atomic():
        job, created = ImportJob.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "kind": kind, "file": upload, "filename": upload.name[:200], "sha256": digest,
                "all_or_nothing": all_or_nothing, "created_by": actor,
            },
        )  # fmt: skip
        if created and upload.size > INLINE_LIMIT_BYTES:
            transaction.on_commit(
                lambda: enqueue("qinqing.enterprises.tasks.run_import_job", job.pk)
            )
    if created and upload.size <= INLINE_LIMIT_BYTES:
        job = run_job(job.pk) or job
    return job, created
