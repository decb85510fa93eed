"""政策兑现按时率 per department for the assessment and the cockpit: the applications whose
payout fell due in the period (and is settled or past due), paid or refused within the
promised time, ÷ all of them. Registered in the one figure registry from AppConfig.ready.
"""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from qinqing.policies.models import Application, ApplicationStatus

NAME = "policy_payout_on_time_rate"
LABEL = "政策兑现按时率"
DEFINITION = (
    "兑现时限（承诺兑付日）落在期间内的申报中（不含撤回；尚未到期且未办结的不计），"
    "在承诺时限内兑付（或作出不予兑现决定）的比例；按政策事项的责任部门计。"
)


def _on_time() -> Q:
    return Q(status=ApplicationStatus.PAID, paid_at__lte=F("due_at")) | Q(
        status=ApplicationStatus.REJECTED, decided_at__lte=F("due_at")
    )


def due_applications(
    department_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> QuerySet[Application]:
    """The applications the rate counts for [start, end)."""
    settled = Q(status__in=[ApplicationStatus.PAID, ApplicationStatus.REJECTED])
    return Application.objects.filter(
        settled | Q(due_at__lt=timezone.now()),
        item__department_id__in=list(department_ids),
        due_at__gte=start,
        due_at__lt=end,
    ).exclude(status=ApplicationStatus.WITHDRAWN)


def payout_on_time_rate(
    department_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    rows = (
        due_applications(department_ids, start, end)
        .values("item__department_id")
        .annotate(d=Count("id"), n=Count("id", filter=_on_time()))
        .order_by()
    )
    return {r["item__department_id"]: (round(r["n"] / r["d"], 4) if r["d"] else None) for r in rows}


def payout_drill(department_id: int, start: dt.datetime, end: dt.datetime) -> str:
    last = timezone.localtime(end - dt.timedelta(seconds=1)).date()
    params = {
        "department": department_id,
        "start": timezone.localtime(start).date().isoformat(),
        "end": last.isoformat(),
    }
    return f"{reverse('policies:payouts_due')}?{urlencode(params)}"


def register() -> None:
    from qinqing.core.figures import ComputedFigure, register_computed_figure

    register_computed_figure(
        ComputedFigure(NAME, LABEL, payout_on_time_rate, DEFINITION, "policies", payout_drill)
    )
