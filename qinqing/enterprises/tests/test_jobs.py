"""An import job whose worker died is swept to failed, and the same Idempotency-Key
starts it again as a fresh attempt."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qinqing.enterprises import jobs
from qinqing.enterprises.imports import start_import
from qinqing.enterprises.models import Enterprise, EnterpriseEvent, ImportJob
from qinqing.enterprises.tasks import sweep_stale_import_jobs
from qinqing.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

A = make_uscc("91511602000000031")
CSV = f"统一社会信用代码,数据来源,企业名称\n{A},市场监管,己公司\n".encode()


def start(actor, key: str = "k-dead") -> tuple[ImportJob, bool]:  # type: ignore[no-untyped-def]
    return start_import(
        SimpleUploadedFile("f.csv", CSV), kind=ImportJob.Kind.PROFILES, actor=actor,
        all_or_nothing=False, idempotency_key=key,
    )  # fmt: skip


def killed_mid_run(job: ImportJob, *, minutes_ago: int) -> None:
    """What kill -9 leaves behind: the row says running, and nobody renews the lease."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        finished_at=None,
    )


def test_a_killed_job_is_marked_failed_by_the_sweep_and_a_retry_runs_it_again(
    policy_officer, district, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    job, _ = start(policy_officer)
    killed_mid_run(job, minutes_ago=10)

    sweep_stale_import_jobs.call_local()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert EnterpriseEvent.objects.filter(kind="import_finished", to_state="failed").count() == 1
    retried, restarted = start(policy_officer)
    assert restarted and retried.pk == job.pk
    assert (retried.status, retried.attempt) == (ImportJob.Status.DONE, 2)
    assert ImportJob.objects.filter(idempotency_key__endswith="k-dead").count() == 1
    assert (retried.processed_rows, retried.unchanged_count) == (1, 1)  # the file ran again
    assert Enterprise.objects.get(uscc=A).name == "己公司"


def test_a_running_job_within_its_lease_is_left_alone_and_not_restarted(
    policy_officer, district, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    job, _ = start(policy_officer)
    killed_mid_run(job, minutes_ago=1)
    assert jobs.sweep_stale_jobs() == 0
    again, restarted = start(policy_officer)
    assert not restarted and again.status == ImportJob.Status.RUNNING and again.attempt == 1


def test_a_second_sweep_finds_nothing_to_do(policy_officer, district, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    job, _ = start(policy_officer)
    killed_mid_run(job, minutes_ago=10)
    assert jobs.sweep_stale_jobs() == 1
    assert jobs.sweep_stale_jobs() == 0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_the_job_works(
    policy_officer, district, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.IMPORT_JOB_HEARTBEAT_SECONDS = 0.05
    job, _ = start(policy_officer)
    killed_mid_run(job, minutes_ago=10)
    with jobs.heartbeat(job.pk):
        time.sleep(0.5)
    job.refresh_from_db()
    assert job.heartbeat_at > timezone.now() - dt.timedelta(seconds=5)
    assert jobs.sweep_stale_jobs() == 0
