"""Periodic work; each takes no objects and calls a service (safe to run twice)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qinqing.projects import services


@db_periodic_task(crontab(hour="8", minute="30"))
def remind_overdue_schedule_items() -> int:
    """08:30 every day: owners of 周调度 items past their due date (once per item)."""
    return services.notify_overdue_items()
