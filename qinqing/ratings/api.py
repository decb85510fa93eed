"""好差评 for other systems: record service events, rate them (channel "api"), read
ratings and figures. Access goes through the same selectors as the pages."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import ensure, has_role, is_admin, org_in_scope
from qinqing.ratings import selectors, services
from qinqing.ratings.metrics import rating_figures
from qinqing.ratings.models import Channel, Rating, ServiceEvent
from qinqing.ratings.schemas import (
    RatingCreate,
    RatingFiguresRead,
    RatingRead,
    ServiceEventCreate,
    ServiceEventRead,
)

router = Router(tags=["ratings"])
RECORDERS = (Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.HANDLER, Role.DEPT_HEAD)


def _event_read(event: ServiceEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "reference": event.reference,
        "matter": event.matter,
        "department_id": event.department_id,
        "window_id": event.window_id,
        "served_phone_masked": event.served_phone_masked,
        "occurred_at": event.occurred_at,
        "rating_url": reverse("ratings:token", args=[event.token]),
    }


def _rating_read(r: Rating) -> dict[str, Any]:
    rect = getattr(r, "rectification", None) if r.is_bad else None
    return {
        "id": r.pk,
        "event_reference": r.event.reference,
        "level": r.level,
        "level_label": str(r.get_level_display()),
        "tags": r.tags,
        "comment": r.comment,
        "channel": r.channel,
        "rated_at": r.rated_at,
        "department_id": r.department_id,
        "window_id": r.window_id,
        "is_bad": r.is_bad,
        "excluded": r.excluded,
        "rectification_status": rect.status if rect else None,
    }


@router.post(
    "/events",
    response=ServiceEventRead,
    summary="Record a rateable service event (idempotent on reference)",
)
def create_event(request: HttpRequest, payload: ServiceEventCreate) -> dict[str, Any]:
    department = get_object_or_404(Organisation, pk=payload.department_id)
    ensure(
        is_admin(request.user) or org_in_scope(request.user, department, *RECORDERS),
        request,
        request.user,
        "api:ratings:create_event",
    )
    window = None
    if payload.window_id is not None:
        window = get_object_or_404(Organisation, pk=payload.window_id, kind=OrgKind.WINDOW)
    event = services.record_service_event(
        kind=payload.kind,
        reference=payload.reference,
        department=department,
        window=window,
        matter=payload.matter,
        occurred_at=payload.occurred_at,
        served_phone=payload.served_phone,
    )
    return _event_read(event)


@router.post("/events/{event_id}/rating", response=RatingRead, summary="Rate a service event once")
def rate_event(request: HttpRequest, event_id: int, payload: RatingCreate) -> dict[str, Any]:
    event = get_object_or_404(ServiceEvent, pk=event_id)
    web = selectors.may_rate_on_web(request.user, event)
    ensure(
        web or selectors.may_record_phone_rating(request.user, event),
        request,
        request.user,
        "api:ratings:rate",
    )
    rating = services.submit_rating(
        event,
        actor=request.user,
        level=payload.level,
        tags=payload.tags,
        comment=payload.comment,
        channel=Channel.WEB if web else Channel.API,
    )
    return _rating_read(rating)


@router.get(
    "/", response=list[RatingRead], summary="Ratings the caller may see (newest first, 200 at most)"
)
def list_ratings(request: HttpRequest, bad: bool = False) -> list[dict[str, Any]]:
    qs = selectors.ratings_visible_to(request.user).select_related("rectification")
    if bad:
        qs = qs.filter(is_bad=True)
    return [_rating_read(r) for r in qs[:200]]


@router.get(
    "/figures", response=list[RatingFiguresRead], summary="评价量, 好评率, 差评整改率, 差评回访率"
)
def figures(
    request: HttpRequest,
    by: str = "department",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[dict[str, Any]]:
    ensure(
        is_admin(request.user)
        or has_role(request.user, Role.SUPERVISOR, Role.LEADER, Role.DEPT_HEAD, Role.HANDLER),
        request,
        request.user,
        "api:ratings:figures",
    )
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    if by not in {"department", "window", "person", "matter", "all"}:
        raise ValidationError({"by": "统计维度应为 department、window、person、matter 或 all。"})
    tz = timezone.get_current_timezone()
    rows = rating_figures(
        by=by,
        qs=selectors.ratings_visible_to(request.user),
        start=dt.datetime.combine(start, dt.time.min, tz) if start else None,
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz) if end else None,
    )
    return [
        {
            "key": f.key,
            "label": f.label,
            "count": f.count,
            "good_rate": f.good_rate,
            "bad": f.bad,
            "rectify_rate": f.rectify_rate,
            "callback_rate": f.callback_rate,
        }
        for f in rows
    ]
