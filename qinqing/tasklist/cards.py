"""The home-page card of a responsible unit: its tasks due soon or overdue."""

import datetime as dt
from typing import Any

from django.utils import timezone

from qinqing.tasklist import selectors
from qinqing.tasklist.models import FindingStatus, TaskStatus


def unit_card(user: Any) -> dict[str, Any] | None:
    ids = selectors.unit_ids(user)
    if not ids:
        return None
    now = timezone.now()
    tasks = selectors.tasks_visible_to(user).filter(status=TaskStatus.ACTIVE)
    return {
        "active": tasks.count(),
        "overdue": tasks.filter(due_at__lt=now).count(),
        "soon": tasks.filter(due_at__gte=now, due_at__lt=now + dt.timedelta(days=14)).count(),
        "findings": selectors.findings_visible_to(user)
        .filter(status__in=[FindingStatus.OPEN, FindingStatus.RETURNED])
        .count(),
    }
