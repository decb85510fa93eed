"""Reads: who may see which liaison record. Views, API and exports start here.

- officers (supervisors, administrators) set up rounds, assignments and activities and
  decide requests; with leaders they see everything about enterprises in their area;
- a cadre sees the enterprises they are linked to (an active assignment, a service team
  or a stay) and their own visits and stays;
- an enterprise user sees its own cadres and stays, scores and asks only for its own.
"""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import enterprise_uscc, has_role, is_staff_member, scope_filter
from qinqing.enterprises.models import Enterprise
from qinqing.liaison.models import (
    Activity,
    ActivitySeries,
    Difficulty,
    Liaison,
    Round,
    ServiceTeam,
    Stay,
    StayRequest,
    Verification,
    Visit,
)

OFFICER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def is_officer(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *OFFICER_ROLES)


def oversees(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *OVERSIGHT_ROLES)


def is_cadre(user: Any) -> bool:
    return is_staff_member(user) and not enterprise_uscc(user)


def area_condition(user: Any, field: str = "enterprise") -> Q:
    """Rows whose enterprise lies in the overseer's area (everything for superusers)."""
    if getattr(user, "is_superuser", False):
        return Q()
    return scope_filter(user, *OVERSIGHT_ROLES, field=f"{field}__division" if field else "division")


def active_on(day: dt.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def own_enterprise_ids(user: Any) -> set[int]:
    """Enterprises the cadre is linked to today: assignment, service team or stay."""
    if not getattr(user, "is_authenticated", False):
        return set()
    today = timezone.localdate()
    ids = set(
        Liaison.objects.filter(active_on(today), cadre=user).values_list("enterprise_id", flat=True)
    )
    ids |= set(
        ServiceTeam.objects.filter(Q(lead=user) | Q(members=user)).values_list(
            "enterprise_id", flat=True
        )
    )
    ids |= set(Stay.objects.filter(cadre=user).values_list("enterprise_id", flat=True))
    return ids


def _enterprise_condition(user: Any, field: str = "enterprise") -> Q:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    uscc = enterprise_uscc(user)
    if uscc:
        return Q(**{f"{field}__uscc": uscc})
    condition = Q(**{f"{field}_id__in": own_enterprise_ids(user)})
    if oversees(user):
        condition |= area_condition(user, field)
    return condition


def is_liaison_cadre_of(user: Any, enterprise: Enterprise) -> bool:
    """The enterprise's own cadre today: assigned to it, on its service team or
    stationed there (not an overseer of the area, not an enterprise user)."""
    if enterprise_uscc(user) or not getattr(user, "is_authenticated", False):
        return False
    return enterprise.pk in own_enterprise_ids(user)


def may_file_appeal_for(user: Any, enterprise: Any, channel: str) -> bool:
    """The intake delegate liaison registers with appeals (appeals/hooks.py): the
    enterprise's own cadre may register its difficulty as an appeal on the 包联 channel."""
    from qinqing.appeals.models import Channel

    return (
        channel == Channel.LIAISON
        and isinstance(enterprise, Enterprise)
        and is_liaison_cadre_of(user, enterprise)
    )


def may_work_with(user: Any, enterprise: Enterprise) -> bool:
    """A cadre linked to the enterprise, or an overseer of its area."""
    if enterprise_uscc(user) or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) or enterprise.pk in own_enterprise_ids(user):
        return True
    return oversees(user) and (
        Enterprise.objects.filter(area_condition(user, ""), pk=enterprise.pk).exists()
    )


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    if enterprise_uscc(user):
        return Enterprise.objects.filter(uscc=enterprise_uscc(user))
    condition = Q(pk__in=own_enterprise_ids(user))
    if oversees(user):
        condition |= area_condition(user, "")
    return Enterprise.objects.filter(condition)


def liaisons_visible_to(user: Any) -> QuerySet[Liaison]:
    if enterprise_uscc(user):
        return Liaison.objects.filter(enterprise__uscc=enterprise_uscc(user))
    condition = Q(cadre=user) if getattr(user, "pk", None) else Q(pk__in=[])
    if oversees(user):
        condition |= area_condition(user)
    return Liaison.objects.filter(condition)


def teams_visible_to(user: Any) -> QuerySet[ServiceTeam]:
    return ServiceTeam.objects.filter(_enterprise_condition(user)).distinct()


def access_team(user: Any, team_id: int) -> ServiceTeam:
    team = teams_visible_to(user).filter(pk=team_id).first()
    if team is None:
        raise Http404("服务小组不存在或无权查看")
    return team


def visits_visible_to(user: Any) -> QuerySet[Visit]:
    """Cadres see their own visits; overseers every visit in their area; an enterprise
    the visits to itself."""
    if enterprise_uscc(user):
        return Visit.objects.filter(enterprise__uscc=enterprise_uscc(user))
    condition = Q(cadre=user) if getattr(user, "pk", None) else Q(pk__in=[])
    if oversees(user):
        condition |= area_condition(user)
    return Visit.objects.filter(condition)


def access_visit(user: Any, visit_id: int) -> Visit:
    visit = (
        visits_visible_to(user).select_related("enterprise", "cadre").filter(pk=visit_id).first()
    )
    if visit is None:
        raise Http404("走访记录不存在或无权查看")
    return visit


def rounds_visible_to(user: Any) -> QuerySet[Round]:
    if is_officer(user) or oversees(user):
        return Round.objects.all()
    if enterprise_uscc(user):
        return Round.objects.filter(stays__enterprise__uscc=enterprise_uscc(user)).distinct()
    return Round.objects.filter(stays__cadre=user).distinct()


def access_round(user: Any, round_id: int, *, for_update: bool = False) -> Round:
    qs = rounds_visible_to(user)
    if for_update:
        qs = Round.objects.select_for_update().filter(pk__in=qs.values("pk"))
    round_ = qs.filter(pk=round_id).first()
    if round_ is None:
        raise Http404("批次不存在或无权查看")
    return round_


def stays_visible_to(user: Any) -> QuerySet[Stay]:
    if enterprise_uscc(user):
        return Stay.objects.filter(enterprise__uscc=enterprise_uscc(user))
    condition = Q(cadre=user) if getattr(user, "pk", None) else Q(pk__in=[])
    if oversees(user):
        condition |= area_condition(user)
    return Stay.objects.filter(condition)


def access_stay(user: Any, stay_id: int, *, for_update: bool = False) -> Stay:
    """The stay if `user` may see it, else Http404. With `for_update` the row is locked:
    call inside transaction.atomic."""
    qs = stays_visible_to(user)
    if for_update:
        qs = Stay.objects.select_for_update().filter(pk__in=list(qs.values_list("pk", flat=True)))
    stay = qs.select_related("enterprise", "cadre", "round").filter(pk=stay_id).first()
    if stay is None:
        raise Http404("驻企记录不存在或无权查看")
    return stay


def verifications_visible_to(user: Any) -> QuerySet[Verification]:
    if not oversees(user):
        return Verification.objects.none()
    return Verification.objects.filter(area_condition(user, "stay__enterprise"))


def requests_visible_to(user: Any) -> QuerySet[StayRequest]:
    if enterprise_uscc(user):
        return StayRequest.objects.filter(enterprise__uscc=enterprise_uscc(user))
    if oversees(user):
        return StayRequest.objects.filter(area_condition(user))
    return StayRequest.objects.none()


def difficulties_visible_to(user: Any) -> QuerySet[Difficulty]:
    if enterprise_uscc(user):
        return Difficulty.objects.filter(enterprise__uscc=enterprise_uscc(user))
    condition = Q(raised_by=user) if getattr(user, "pk", None) else Q(pk__in=[])
    if oversees(user) or has_role(user, Role.INTAKE_OPERATOR):
        condition |= (
            Q()
            if getattr(user, "is_superuser", False)
            else scope_filter(
                user, *OVERSIGHT_ROLES, Role.INTAKE_OPERATOR, field="enterprise__division"
            )
        )
    return Difficulty.objects.filter(condition)


def series_visible_to(user: Any) -> QuerySet[ActivitySeries]:
    return (
        ActivitySeries.objects.all()
        if getattr(user, "is_authenticated", False)
        else (ActivitySeries.objects.none())
    )


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    """Activities are public to every signed-in person (enterprises sign up online)."""
    if not getattr(user, "is_authenticated", False):
        return Activity.objects.none()
    return Activity.objects.all()


def access_activity(user: Any, activity_id: int) -> Activity:
    activity = activities_visible_to(user).filter(pk=activity_id).first()
    if activity is None:
        raise Http404("活动不存在")
    return activity


def matched_items(enterprise: Enterprise) -> list[Any]:
    """Published policy items the enterprise is eligible (or almost eligible) for."""
    from qinqing.policies.models import MatchResult, Outcome, PolicyItem, PublishStatus

    ids = MatchResult.objects.filter(
        enterprise_id=enterprise.pk, outcome__in=[Outcome.ELIGIBLE, Outcome.ALMOST]
    ).values_list("item_id", flat=True)
    return list(
        PolicyItem.objects.filter(pk__in=list(ids), status=PublishStatus.PUBLISHED)
        .select_related("department")
        .order_by("title")[:50]
    )


def matched_item_ids(enterprise: Enterprise) -> set[int]:
    return {item.pk for item in matched_items(enterprise)}
