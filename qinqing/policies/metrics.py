"""Figures for the cockpit and the policy desk: applications, approval rate, days to
pay, and amounts by item, department and month. Money is in 万元; disbursements count
both 免申即享 grants and paid applications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from qinqing.policies.models import Application, ApplicationStatus, Disbursement


def _scoped(
    qs: QuerySet[Any],
    date_field: str,
    date_from: dt.date | None,
    date_to: dt.date | None,
    department_ids: Sequence[int] | None,
) -> QuerySet[Any]:
    if date_from is not None:
        qs = qs.filter(**{f"{date_field}__date__gte": date_from})
    if date_to is not None:
        qs = qs.filter(**{f"{date_field}__date__lte": date_to})
    if department_ids is not None:
        qs = qs.filter(item__department_id__in=list(department_ids))
    return qs


def application_figures(
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    department_ids: Sequence[int] | None = None,
) -> dict[str, Any]:
    apps = _scoped(
        Application.objects.exclude(status=ApplicationStatus.WITHDRAWN),
        "submitted_at",
        date_from,
        date_to,
        department_ids,
    )
    counts = apps.aggregate(
        total=Count("id"),
        approved=Count(
            "id", filter=Q(status__in=[ApplicationStatus.APPROVED, ApplicationStatus.PAID])
        ),
        rejected=Count("id", filter=Q(status=ApplicationStatus.REJECTED)),
    )
    decided = counts["approved"] + counts["rejected"]
    paid = list(
        apps.filter(status=ApplicationStatus.PAID, paid_at__isnull=False).values_list(
            "submitted_at", "paid_at"
        )
    )
    days = [(p - s).total_seconds() / 86400 for s, p in paid]
    money = _scoped(
        Disbursement.objects.exclude(status=Disbursement.Status.CANCELLED),
        "created_at",
        date_from,
        date_to,
        department_ids,
    )
    by_item = [
        {
            "item_id": r["item_id"],
            "title": r["item__title"],
            "count": r["n"],
            "amount": float(r["s"] or 0),
        }
        for r in money.values("item_id", "item__title")
        .annotate(n=Count("id"), s=Sum("amount"))
        .order_by("-s")
    ]
    by_department = [
        {"department": r["item__department__name"], "count": r["n"], "amount": float(r["s"] or 0)}
        for r in money.values("item__department__name")
        .annotate(n=Count("id"), s=Sum("amount"))
        .order_by("-s")
    ]
    by_month = [
        {"month": r["m"].strftime("%Y-%m"), "amount": float(r["s"] or 0)}
        for r in money.filter(status=Disbursement.Status.PAID)
        .annotate(m=TruncMonth("updated_at"))
        .values("m")
        .annotate(s=Sum("amount"))
        .order_by("m")
        if r["m"] is not None
    ]
    return {
        "applications": counts["total"],
        "approved": counts["approved"],
        "rejected": counts["rejected"],
        "approval_rate": round(100 * counts["approved"] / decided, 1) if decided else None,
        "days_to_pay": round(sum(days) / len(days), 1) if days else None,
        "amount_total": round(sum(r["amount"] for r in by_item), 2),
        "by_item": by_item,
        "by_department": by_department,
        "by_month": by_month,
    }
