"""Who may see and do what with ratings. Every view and endpoint reads through here."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from qinqing.accounts.models import Organisation, Role
from qinqing.accounts.permissions import has_role, is_admin, org_in_scope, scope_filter
from qinqing.ratings.models import (
    Contest,
    Observer,
    Rating,
    RatingPoint,
    Rectification,
    ServiceEvent,
)

OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.LEADER)
UNIT_ROLES = (Role.HANDLER, Role.DEPT_HEAD)
PHONE_ROLES = (Role.INTAKE_OPERATOR, Role.SUPERVISOR)


def _staff_scope(user: Any, field: str = "department") -> Q:
    return scope_filter(user, *OVERSIGHT_ROLES, *UNIT_ROLES, field=field)


def ratings_visible_to(user: Any) -> QuerySet[Rating]:
    """Oversight roles see their division; departments their own; the person served theirs."""
    qs = Rating.objects.select_related("event", "department", "window", "handled_by")
    if is_admin(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(_staff_scope(user) | Q(rated_by=user) | Q(event__served_user=user))


def access_rating(user: Any, rating_id: int, *, for_update: bool = False) -> Rating:
    qs = ratings_visible_to(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=rating_id)
    except Rating.DoesNotExist as exc:
        raise Http404 from exc


def is_overseer(user: Any, organisation: Organisation | None) -> bool:
    """Supervisors (and administrators) verify, call back and decide contests."""
    return is_admin(user) or org_in_scope(user, organisation, Role.SUPERVISOR)


def is_rated_unit(user: Any, organisation: Organisation | None) -> bool:
    """Handlers and heads of the rated department rectify and may contest."""
    return org_in_scope(user, organisation, *UNIT_ROLES)


def rectifications_visible_to(user: Any) -> QuerySet[Rectification]:
    return Rectification.objects.filter(
        rating__in=ratings_visible_to(user).filter(is_bad=True)
    ).select_related("rating", "rating__department", "rating__event")


def contests_visible_to(user: Any) -> QuerySet[Contest]:
    return Contest.objects.filter(rating__in=ratings_visible_to(user)).select_related(
        "rating", "rating__department", "filed_by"
    )


def events_visible_to(user: Any) -> QuerySet[ServiceEvent]:
    qs = ServiceEvent.objects.select_related("department", "window")
    if is_admin(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(_staff_scope(user) | Q(served_user=user))


def events_to_rate(user: Any) -> QuerySet[ServiceEvent]:
    """Service events this person was served in and has not rated yet."""
    if not getattr(user, "is_authenticated", False):
        return ServiceEvent.objects.none()
    return ServiceEvent.objects.filter(served_user=user, rating__isnull=True).select_related(
        "department", "window"
    )


def may_rate_on_web(user: Any, event: ServiceEvent) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and event.served_user_id == user.pk


def may_record_phone_rating(user: Any, event: ServiceEvent) -> bool:
    return is_admin(user) or org_in_scope(user, event.department, *PHONE_ROLES)


def access_event_by_token(token: str) -> ServiceEvent:
    try:
        return ServiceEvent.objects.select_related("department", "window").get(token=token)
    except ServiceEvent.DoesNotExist as exc:
        raise Http404 from exc


def access_point_by_token(token: str) -> RatingPoint:
    try:
        return RatingPoint.objects.select_related("window", "window__parent").get(
            token=token, is_active=True
        )
    except RatingPoint.DoesNotExist as exc:
        raise Http404 from exc


def points_visible_to(user: Any) -> QuerySet[RatingPoint]:
    qs = RatingPoint.objects.select_related("window")
    return qs if is_admin(user) else qs.filter(_staff_scope(user, field="window"))


def observer_of(user: Any) -> Observer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Observer.objects.filter(user=user, is_active=True).select_related("division").first()


def may_invite_observers(user: Any) -> bool:
    return is_admin(user) or has_role(user, *OVERSIGHT_ROLES)
