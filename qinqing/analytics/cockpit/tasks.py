"""Periodic rebuild of the cockpit rollups (imported from AnalyticsConfig.ready so that the
huey consumer registers the tasks)."""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from qinqing.analytics.cockpit import services


@db_task()
def refresh_cockpit_task(days: int = services.ROLLING_DAYS) -> dict[str, int]:
    today = timezone.localdate()
    return services.refresh_rollups(today - dt.timedelta(days=days), today)


@db_periodic_task(crontab(minute="*/10"))
def refresh_recent_rollups() -> dict[str, int]:
    return services.refresh_rollups()


@db_periodic_task(crontab(minute="30", hour="2"))
def refresh_year_rollups() -> dict[str, int]:
    today = timezone.localdate()
    return services.refresh_rollups(today - dt.timedelta(days=400), today)
