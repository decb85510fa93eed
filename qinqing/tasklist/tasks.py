"""Periodic sweeps; each takes no objects and calls a service (safe to run twice)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from qinqing.tasklist import services


@db_periodic_task(crontab(minute="*/15"))
def sweep_overdue_tasks() -> int:
    """Every 15 minutes: overdue tasks climb the appeals' escalation ladder."""
    return services.sweep_overdue_tasks()


@db_periodic_task(crontab(minute="5", hour="*"))
def sweep_overdue_findings() -> int:
    """Hourly: findings whose rectification clock ran out."""
    return services.sweep_overdue_findings()


@db_periodic_task(crontab(hour="9", minute="10"))
def remind_reports_due() -> int:
    """09:10 every day: units with no report for this week or month yet."""
    return services.remind_reports_due()
