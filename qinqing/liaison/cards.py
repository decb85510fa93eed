"""The cadre's home card and the section on the enterprise's page (一企一档)."""

from typing import Any

from django.utils import timezone

from qinqing.accounts.permissions import enterprise_uscc
from qinqing.liaison import figures, selectors
from qinqing.liaison.models import Activity, Liaison, Participation, Stay, Visit


def cadre_card(user: Any) -> dict[str, Any] | None:
    today = timezone.localdate()
    enterprises = selectors.own_enterprise_ids(user)
    stay = (
        Stay.objects.filter(cadre=user, starts_on__lte=today, ends_on__gte=today)
        .select_related("enterprise")
        .first()
    )
    if not enterprises and stay is None:
        return None
    due = [r for r in figures.not_visited(user=user, days=30) if r["enterprise_id"] in enterprises]
    return {"enterprise_count": len(enterprises), "due": due[:5], "stay": stay}


def enterprise_panel(user: Any, enterprise: Any) -> dict[str, Any] | None:
    """Who looks after the enterprise, recent visits, stays and activities. Staff who may
    work with it and the enterprise itself see it; the enterprise sees no internal notes."""
    own = enterprise_uscc(user) == enterprise.uscc
    if not own and not selectors.may_work_with(user, enterprise):
        return None
    today = timezone.localdate()
    return {
        "own": own,
        "liaisons": Liaison.objects.filter(
            selectors.active_on(today), enterprise=enterprise
        ).select_related("cadre", "organisation"),
        "visits": []
        if own
        else Visit.objects.filter(enterprise=enterprise).select_related("cadre")[:5],
        "stays": Stay.objects.filter(enterprise=enterprise).select_related("cadre", "round")[:10],
        "activities": Activity.objects.filter(
            pk__in=Participation.objects.filter(enterprise=enterprise, attended=True).values(
                "activity_id"
            )
        )[:10],
    }
