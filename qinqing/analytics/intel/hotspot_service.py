"""Hot spots (热点) and the month's topic (每月一题).

A leader asks for a run over a division and a period; a huey task claims the run with a
conditional UPDATE (so two workers never compute it twice), clusters the period's appeals
with qinqing.analytics.ml.hotspots and stores the ranked topics. A leader may then pick
a topic as the month's topic, tracked with its own append-only timeline.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import has_role, is_admin, org_in_scope, scope_filter
from qinqing.analytics.intel.models import (
    Hotspot,
    HotspotRun,
    MonthlyTopic,
    MonthlyTopicEvent,
)
from qinqing.analytics.ml.hotspots import Message, find_hotspots
from qinqing.appeals.models import Appeal, Status
from qinqing.core.jobs import enqueue

logger = logging.getLogger("qinqing.analytics")

VIEW_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
PICK_ROLES = (Role.LEADER, Role.ADMIN)
DEPARTMENT_ROLES = (Role.HANDLER, Role.DEPT_HEAD)
DEFAULT_DAYS = 30
MAX_APPEALS = 20000
MAX_TOPICS = 50

# 每月一题: the allowed status changes
TOPIC_TRANSITIONS: dict[str, frozenset[str]] = {
    MonthlyTopic.Status.OPEN: frozenset(
        {MonthlyTopic.Status.IN_PROGRESS, MonthlyTopic.Status.DONE}
    ),
    MonthlyTopic.Status.IN_PROGRESS: frozenset({MonthlyTopic.Status.DONE}),
    MonthlyTopic.Status.DONE: frozenset({MonthlyTopic.Status.IN_PROGRESS}),
}


class Forbidden(PermissionError):
    """The actor may not do this (views turn it into an audited 403)."""


# --- reads ----------------------------------------------------------------------------------
def default_division(user: Any) -> Organisation | None:
    """The outermost division the user watches as leader, supervisor or admin."""
    return (
        Organisation.objects.filter(scope_filter(user, *VIEW_ROLES, field=""))
        .filter(kind=OrgKind.DIVISION)
        .order_by("depth", "path")
        .first()
    )


def divisions_for(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        scope_filter(user, *VIEW_ROLES, field=""), kind=OrgKind.DIVISION
    ).order_by("path")


def runs_visible_to(user: Any) -> QuerySet[HotspotRun]:
    return HotspotRun.objects.filter(scope_filter(user, *VIEW_ROLES, field="division"))


def access_hotspot(user: Any, hotspot_id: int) -> Hotspot:
    from django.http import Http404

    spot = (
        Hotspot.objects.filter(pk=hotspot_id)
        .select_related("run__division")
        .filter(run__in=runs_visible_to(user))
        .first()
    )
    if spot is None:
        raise Http404("热点不存在或无权查看")
    return spot


def topics_visible_to(user: Any) -> QuerySet[MonthlyTopic]:
    condition = scope_filter(user, *VIEW_ROLES, field="division") | scope_filter(
        user, *DEPARTMENT_ROLES, field="owner"
    )
    return MonthlyTopic.objects.filter(condition).select_related("owner", "division")


def access_topic(user: Any, topic_id: int, *, for_update: bool = False) -> MonthlyTopic:
    from django.http import Http404

    qs = topics_visible_to(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    topic = qs.filter(pk=topic_id).first()
    if topic is None:
        raise Http404("每月一题不存在或无权查看")
    return topic


def may_pick(user: Any, division: Organisation) -> bool:
    return org_in_scope(user, division, *PICK_ROLES) or is_admin(user)


def may_update_topic(user: Any, topic: MonthlyTopic) -> bool:
    return may_pick(user, topic.division) or org_in_scope(user, topic.owner, *DEPARTMENT_ROLES)


# --- runs -----------------------------------------------------------------------------------
def request_run(
    *,
    actor: Any,
    division: Organisation,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> tuple[HotspotRun, bool]:
    """A waiting run for the division and period (a new one, or the one already waiting
    or computing). The computation is queued after commit."""
    today = timezone.localdate()
    period_end = period_end or today
    period_start = period_start or period_end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if period_start > period_end:
        raise ValidationError({"period_start": "开始日期不能晚于结束日期。"})
    if (period_end - period_start).days > 366:
        raise ValidationError({"period_start": "统计区间最长一年。"})
    if not (org_in_scope(actor, division, *VIEW_ROLES) or is_admin(actor)):
        raise Forbidden("hotspot_run")
    try:
        with transaction.atomic():
            run = HotspotRun.objects.create(
                division=division,
                period_start=period_start,
                period_end=period_end,
                requested_by=actor,
            )
            transaction.on_commit(lambda: _enqueue(run.pk))
            return run, True
    except IntegrityError:
        existing = HotspotRun.objects.filter(
            division=division,
            period_start=period_start,
            period_end=period_end,
            state__in=[HotspotRun.State.PENDING, HotspotRun.State.RUNNING],
        ).first()
        if existing is None:
            raise
        return existing, False


def _enqueue(run_id: int) -> None:
    enqueue("qinqing.analytics.intel.tasks.compute_hotspot_run_task", run_id)


def compute_run(run_id: int) -> HotspotRun | None:
    """Claim a waiting run and compute it; None when another worker has it or it is done."""
    claimed = HotspotRun.objects.filter(pk=run_id, state=HotspotRun.State.PENDING).update(
        state=HotspotRun.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = HotspotRun.objects.select_related("division").get(pk=run_id)
    try:
        spots, n_appeals = _cluster(run)
    except Exception as exc:
        logger.exception("hot-spot run %s failed", run_id)
        HotspotRun.objects.filter(pk=run_id).update(
            state=HotspotRun.State.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        run.refresh_from_db()
        return run
    with transaction.atomic():
        Hotspot.objects.bulk_create(spots)
        HotspotRun.objects.filter(pk=run_id).update(
            state=HotspotRun.State.DONE,
            finished_at=timezone.now(),
            n_appeals=n_appeals,
            n_topics=len(spots),
        )
    run.refresh_from_db()
    return run


def _period_bounds(run: HotspotRun) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(run.period_start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(run.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _cluster(run: HotspotRun) -> tuple[list[Hotspot], int]:
    start, end = _period_bounds(run)
    rows = list(
        Appeal.objects.filter(
            division__path__startswith=run.division.path,
            created_at__gte=start,
            created_at__lt=end,
        )
        .exclude(status=Status.DUPLICATE)
        .order_by("-created_at")
        .values_list(
            "pk",
            "title",
            "description",
            "created_at",
            "enterprise_id",
            "requester_phone",
            "lead_department__name",
        )[:MAX_APPEALS]
    )
    tz = timezone.get_current_timezone()
    messages = [
        Message(
            id=pk,
            title=title,
            text=text,
            date=created.astimezone(tz).date(),
            author=f"e{enterprise_id}" if enterprise_id else f"p{phone}",
        )
        for pk, title, text, created, enterprise_id, phone, _dept in rows
    ]
    department_of = {row[0]: row[6] for row in rows}
    found = find_hotspots(messages, period=(run.period_start, run.period_end), limit=MAX_TOPICS)
    spots = []
    for rank, spot in enumerate(found, start=1):
        departments = Counter(department_of[i] for i in spot.member_ids if department_of.get(i))
        spots.append(
            Hotspot(
                run=run,
                rank=rank,
                label=spot.label[:200],
                keywords=list(spot.keywords),
                count=spot.count,
                supporters=spot.authors,
                likes=spot.likes,
                places=list(spot.places),
                departments=[name for name, _ in departments.most_common(5)],
                first_date=spot.first_date,
                last_date=spot.last_date,
                growth=spot.growth,
                score=spot.score,
                appeal_ids=[int(i) for i in spot.member_ids],
            )
        )
    return spots, len(messages)


# --- 每月一题 --------------------------------------------------------------------------------
def _record(topic: MonthlyTopic, kind: str, *, actor: Any, note: str = "", **data: Any) -> None:
    MonthlyTopicEvent.objects.create(
        topic=topic,
        kind=kind,
        actor=actor,
        from_state=data.pop("from_state", ""),
        to_state=data.pop("to_state", ""),
        note=note,
        data=data,
    )


def pick_monthly_topic(
    hotspot: Hotspot | None,
    *,
    actor: Any,
    division: Organisation,
    title: str,
    month: dt.date,
    owner: Organisation,
    goal: str,
) -> MonthlyTopic:
    if not may_pick(actor, division):
        raise Forbidden("pick_monthly_topic")
    errors: dict[str, str] = {}
    title = (title or "").strip()
    goal = (goal or "").strip()
    if not title:
        errors["title"] = "请填写题目。"
    elif len(title) > 200:
        errors["title"] = "题目不能超过 200 个字。"
    if not goal:
        errors["goal"] = "请填写目标。"
    if owner.kind != OrgKind.DEPARTMENT:
        errors["owner"] = "牵头单位必须是部门。"
    elif not owner.path.startswith(division.path):
        errors["owner"] = f"牵头单位“{owner.name}”不属于{division.name}。"
    if errors:
        raise ValidationError(errors)
    month = month.replace(day=1)
    try:
        with transaction.atomic():
            topic = MonthlyTopic.objects.create(
                title=title,
                month=month,
                owner=owner,
                goal=goal,
                hotspot=hotspot,
                division=division,
                created_by=actor,
            )
            _record(
                topic,
                "created",
                actor=actor,
                to_state=topic.status,
                note=goal,
                hotspot=hotspot.label if hotspot else "",
                appeals=hotspot.count if hotspot else 0,
            )
    except IntegrityError as exc:
        raise ValidationError({"title": f"{month:%Y年%m月}已有同名的每月一题“{title}”。"}) from exc
    return topic


@transaction.atomic
def change_topic_status(
    topic: MonthlyTopic, *, actor: Any, status: str, note: str = ""
) -> MonthlyTopic:
    topic = (
        MonthlyTopic.objects.select_for_update()
        .select_related("owner", "division")
        .get(pk=topic.pk)
    )
    if not may_update_topic(actor, topic):
        raise Forbidden("change_topic_status")
    if status not in TOPIC_TRANSITIONS.get(topic.status, frozenset()):
        labels = dict(MonthlyTopic.Status.choices)
        raise ValidationError(
            {
                "status": f"每月一题不能从“{labels[topic.status]}”改为“{labels.get(status, status)}”。"
            }
        )
    before = topic.status
    topic.status = status
    topic.save(update_fields=["status", "updated_at"])
    _record(topic, "status_changed", actor=actor, from_state=before, to_state=status, note=note)
    return topic


@transaction.atomic
def add_topic_note(topic: MonthlyTopic, *, actor: Any, note: str) -> MonthlyTopic:
    topic = (
        MonthlyTopic.objects.select_for_update()
        .select_related("owner", "division")
        .get(pk=topic.pk)
    )
    if not may_update_topic(actor, topic):
        raise Forbidden("add_topic_note")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写进展说明。"})
    topic.save(update_fields=["updated_at"])
    _record(topic, "progress", actor=actor, note=note)
    return topic


def may_view_hotspots(user: Any) -> bool:
    return has_role(user, *VIEW_ROLES) or is_admin(user)
