"""Queue work of the intelligence part (imported from intel.wiring, so the huey consumer registers it).
Tasks take ids and call the services; each is safe to run twice."""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qinqing.analytics.intel import hotspot_service, routing, seasonal_service


@db_task()
def compute_hotspot_run_task(run_id: int) -> int | None:
    run = hotspot_service.compute_run(run_id)
    return run.n_topics if run is not None else None


@db_task()
def record_routing_correction_task(appeal_id: int) -> Any:
    correction = routing.record_correction(appeal_id)
    return correction.pk if correction is not None else None


@db_periodic_task(crontab(minute="20", hour="3"))
def raise_seasonal_warnings_task() -> int:
    return len(seasonal_service.raise_seasonal_warnings())
