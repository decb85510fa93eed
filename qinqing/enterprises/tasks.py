"""Background work of the registry (huey). Tasks take ids and call services."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qinqing.enterprises.imports import run_job
from qinqing.enterprises.jobs import sweep_stale_jobs
from qinqing.enterprises.monitoring import add_months, month_start, run_warning_pass


@db_task(retries=2, retry_delay=30)
def run_import_job(job_id: int) -> None:
    run_job(job_id)


@db_periodic_task(crontab(minute="*/5"))
def sweep_stale_import_jobs() -> None:
    """A job whose worker died (kill -9, OOM) stops renewing its lease: mark it failed so
    the page says so and the same Idempotency-Key can start it again."""
    sweep_stale_jobs()


@db_periodic_task(crontab(hour="3", minute="15"))
def nightly_warning_pass() -> None:
    """Evaluate the last complete month every night: readings arrive late, and the pass
    is idempotent, so repeating it only adds warnings that new readings justify."""
    run_warning_pass(add_months(month_start(timezone.localdate()), -1))
