"""Notifications someone must act on: due visits and missing check-ins. Idempotent per
day through the notification dedupe key."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from qinqing.core.notify import notify
from qinqing.liaison import selectors, stationing
from qinqing.liaison.models import Liaison, Visit

VISIT_EVERY_DAYS = 30  # a liaison enterprise is due a visit after this many days


def missing_checkins(day: dt.date | None = None) -> int:
    return stationing.remind_missing_checkins(day)


def due_visits(day: dt.date | None = None, days: int = VISIT_EVERY_DAYS) -> int:
    """Tell each cadre which of their liaison enterprises had no visit from them in `days`."""
    day = day or timezone.localdate()
    since = day - dt.timedelta(days=days)
    due: dict[int, list[str]] = {}
    cadres = {}
    for liaison in Liaison.objects.filter(
        selectors.active_on(day), cadre__isnull=False
    ).select_related("cadre", "enterprise"):
        recent = Visit.objects.filter(
            enterprise_id=liaison.enterprise_id, cadre_id=liaison.cadre_id, visited_on__gt=since
        ).exists()
        if not recent:
            due.setdefault(liaison.cadre_id, []).append(liaison.enterprise.name)
            cadres[liaison.cadre_id] = liaison.cadre
    sent = 0
    with transaction.atomic():
        for cadre_id, names in due.items():
            sent += len(
                notify(
                    [cadres[cadre_id]],
                    kind="visit_due",
                    title=f"{len(names)} 家包联企业超过 {days} 天未走访：{'、'.join(names[:3])}"[
                        :200
                    ],
                    url="/liaison/mine/",
                    dedupe_key=f"visit-due:{cadre_id}:{day.isoformat()}",
                )
            )
    return sent
