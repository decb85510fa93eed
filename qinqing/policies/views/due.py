"""The applications behind 政策兑现按时率 (the assessment's drill-down): due in a period,
for one department, within what the viewer may see."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from qinqing.accounts.permissions import ensure, is_staff_member
from qinqing.policies import assessment_figures, selectors

LIMIT = 500


def _day(value: str, default: dt.date) -> dt.date:
    try:
        return parse_date(value or "") or default
    except ValueError:
        return default


@login_required
def payouts_due(request: HttpRequest) -> HttpResponse:
    ensure(is_staff_member(request.user), request, request.user, "policies:payouts_due")
    today = timezone.localdate()
    start = _day(request.GET.get("start", ""), today.replace(day=1))
    end = _day(request.GET.get("end", ""), today)
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz)
    department = request.GET.get("department", "")
    visible = selectors.applications_visible_to(request.user)
    ids = (
        [int(department)]
        if department.isdigit()
        else list(visible.values_list("item__department_id", flat=True).distinct())
    )
    rows = visible.filter(pk__in=assessment_figures.due_applications(ids, lo, hi).values("pk"))
    rates = assessment_figures.payout_on_time_rate(ids, lo, hi) if len(ids) == 1 else {}
    return render(
        request,
        "policies/payouts_due.html",
        {
            "rows": rows.order_by("due_at", "id")[:LIMIT],
            "count": rows.count(),
            "start": start,
            "end": end,
            "rate": next(iter(rates.values()), None),
            "definition": assessment_figures.DEFINITION,
            "title": _("Payouts due"),
        },
    )
