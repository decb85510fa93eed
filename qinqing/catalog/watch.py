"""负面行为管控: rules over matters that flag negative behaviour to supervisors.

Each rule is a function of one matter (and, for repeated refusals, its applicant's
history) returning the detail in Chinese, or None. A flag is written once per matter and
rule (留痕) and never deleted; the department may explain it. Services call
`watch_matter` after each step; the periodic sweep catches matters that became overdue
while nobody touched them."""

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import users_with_role
from qinqing.catalog import events
from qinqing.catalog.models import (
    OPEN_MATTER,
    Matter,
    MatterStatus,
    WatchFlag,
    WatchRule,
)
from qinqing.core.notify import notify

# A review of an item with a promised limit of several working days cannot honestly
# take less than this; closing faster suggests the matter was handled off the system.
MIN_REVIEW = dt.timedelta(minutes=30)
MIN_PROMISED_DAYS_FOR_TOO_FAST = 3
REFUSALS_WINDOW = dt.timedelta(days=180)
REFUSALS_LIMIT = 2  # the second refusal of the same applicant for the same item flags

Rule = Callable[[Matter, dt.datetime], str | None]


def overdue(m: Matter, now: dt.datetime) -> str | None:
    if m.due_at is None or m.paused_at is not None and m.status in OPEN_MATTER:
        return None
    end = m.decided_at if m.decided_at is not None else (now if m.is_open else None)
    if end is None or end <= m.due_at:
        return None
    local_due = timezone.localtime(m.due_at)
    return f"承诺时限 {m.limit_days} 个工作日，应于 {local_due:%Y年%m月%d日} 前办结"


def repeated_correction(m: Matter, now: dt.datetime) -> str | None:
    if m.correction_count > 1:
        return f"已退回补正 {m.correction_count} 次（应一次性告知）"
    return None


def no_legal_ground(m: Matter, now: dt.datetime) -> str | None:
    if m.status == MatterStatus.NOT_ACCEPTED and not m.legal_ground.strip():
        return "不予受理未写明法律依据"
    return None


def too_fast(m: Matter, now: dt.datetime) -> str | None:
    if m.decided_at is None or m.accepted_at is None or m.auto_decision:
        return None
    if m.item.is_instant or (m.limit_days or 0) < MIN_PROMISED_DAYS_FOR_TOO_FAST:
        return None
    took = m.decided_at - m.accepted_at
    if took < MIN_REVIEW:
        minutes = int(took.total_seconds() // 60)
        return f"承诺 {m.limit_days} 个工作日的事项在受理后 {minutes} 分钟即办结"
    return None


def registered_late(m: Matter, now: dt.datetime) -> str | None:
    if m.document_dated is None:
        return None
    registered_on = timezone.localtime(m.submitted_at).date()
    if m.document_dated < registered_on:
        return (
            f"决定文书日期 {m.document_dated:%Y年%m月%d日} 早于办件登记日期 "
            f"{registered_on:%Y年%m月%d日}"
        )
    return None


def repeated_refusal(m: Matter, now: dt.datetime) -> str | None:
    if m.status not in (MatterStatus.REFUSED, MatterStatus.NOT_ACCEPTED):
        return None
    same = Q(enterprise_id=m.enterprise_id) if m.enterprise_id else Q(applicant_id=m.applicant_id)
    if m.enterprise_id is None and m.applicant_id is None:
        return None
    count = (
        Matter.objects.filter(same, item_id=m.item_id)
        .filter(status__in=(MatterStatus.REFUSED, MatterStatus.NOT_ACCEPTED))
        .filter(decided_at__gte=now - REFUSALS_WINDOW)
        .count()
    )
    if count >= REFUSALS_LIMIT:
        return f"同一申请人 180 天内本事项被拒 {count} 次"
    return None


RULES: dict[str, Rule] = {
    WatchRule.OVERDUE: overdue,
    WatchRule.REPEATED_CORRECTION: repeated_correction,
    WatchRule.NO_LEGAL_GROUND: no_legal_ground,
    WatchRule.TOO_FAST: too_fast,
    WatchRule.REGISTERED_LATE: registered_late,
    WatchRule.REPEATED_REFUSAL: repeated_refusal,
}


def watch_matter(matter: Matter, *, now: dt.datetime | None = None) -> list[WatchFlag]:
    """Raise the flags whose rule holds and that the matter does not carry yet."""
    now = now or timezone.now()
    existing = set(WatchFlag.objects.filter(matter=matter).values_list("rule", flat=True))
    raised: list[WatchFlag] = []
    for rule, fn in RULES.items():
        if rule in existing:
            continue
        detail = fn(matter, now)
        if detail is None:
            continue
        try:
            with transaction.atomic():
                flag = WatchFlag.objects.create(
                    matter=matter,
                    rule=rule,
                    department_id=matter.department_id,
                    detail=detail[:300],
                    raised_at=now,
                )
        except IntegrityError:
            continue  # a concurrent sweep raised it first
        events.record(
            matter, "flagged", actor=None, from_state=matter.status, note=detail, rule=rule
        )
        raised.append(flag)
    if raised:
        _notify_supervisors(matter, raised)
    return raised


def _notify_supervisors(matter: Matter, flags: list[WatchFlag]) -> None:
    from django.urls import reverse

    labels = "、".join(str(f.get_rule_display()) for f in flags)
    notify(
        [
            *users_with_role(Role.SUPERVISOR, matter.department),
            *users_with_role(Role.DEPT_HEAD, matter.department),
        ],
        kind="catalog_flag",
        title=f"审批负面行为预警：{matter.item.name}（{matter.number}）{labels}",
        body="；".join(f.detail for f in flags),
        url=reverse("catalog:watch"),
        dedupe_key=f"catalog-flag:{matter.pk}:{','.join(sorted(f.rule for f in flags))}",
    )


def sweep_overdue(now: dt.datetime | None = None) -> int:
    """Flag every open, running matter past its due moment (safe to run twice)."""
    now = now or timezone.now()
    flagged = WatchFlag.objects.filter(rule=WatchRule.OVERDUE).values("matter_id")
    late = (
        Matter.objects.filter(status__in=OPEN_MATTER, due_at__lt=now, paused_at__isnull=True)
        .exclude(pk__in=flagged)
        .select_related("item", "department")
    )
    count = 0
    for matter in late.iterator():
        count += len(watch_matter(matter, now=now))
    return count
