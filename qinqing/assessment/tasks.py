"""Periodic work of the assessment; takes no objects and calls a service (safe twice)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qinqing.assessment import freezing


@db_periodic_task(crontab(hour="7", minute="30"))
def freeze_last_month() -> int:
    """07:30 every day: freeze last month's scores once its 5th working day is past."""
    return len(freezing.freeze_due_months())
