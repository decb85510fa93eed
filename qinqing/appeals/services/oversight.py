"""Oversight (督办): urging, extensions, consultations and the deadline sweep that escalates."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, Role, User
from qinqing.appeals import clocks, events, selectors
from qinqing.appeals.models import (
    Appeal,
    Clock,
    Consultation,
    EscalationStep,
    Extension,
)
from qinqing.appeals.services.common import (
    ACTION_ZH,
    CLOCK_ZH,
    _lock,
    _notify,
    _require,
    _text,
    _users,
)
from qinqing.appeals.services.loop import _require_lead
from qinqing.appeals.transitions import check
from qinqing.workdays.services import get_calendar, record_fallbacks


# --- 催办 / 督办 / 延期 / 会商 -------------------------------------------------------------
@transaction.atomic
def urge_appeal(appeal: Appeal, *, actor: User, note: str, formal: bool = False) -> Appeal:
    """催办 (formal=False) or 督办 (formal=True) to the lead department."""
    appeal = _lock(appeal)
    action = "supervise" if formal else "urge"
    check(action, appeal.status)
    roles = (Role.SUPERVISOR, Role.ADMIN) if formal else (*selectors.DISPATCH_ROLES, Role.LEADER)
    _require(selectors.oversees(actor, appeal, *roles), actor, action, appeal)
    note = _text(note, "note", "督办意见" if formal else "催办内容", max_length=1000)
    events.record(
        appeal,
        "supervised" if formal else "urged",
        actor=actor,
        from_state=appeal.status,
        note=note,
    )
    lead = selectors.current_lead(appeal)
    if lead is not None:
        recipients = _users(Role.HANDLER, lead.department)
        if formal:
            recipients += _users(Role.DEPT_HEAD, lead.department)
        word = "督办" if formal else "催办"
        _notify(
            recipients, appeal, action, f"{word}：诉求 {appeal.number} {appeal.title}", sms=True
        )
    return appeal


@transaction.atomic
def request_extension(
    appeal: Appeal, *, actor: User, clock_kind: str, days: int, reason: str
) -> Extension:
    appeal = _lock(appeal)
    check("request_extension", appeal.status)
    _require_lead(actor, appeal, "request_extension")
    reason = _text(reason, "reason", "延期理由", max_length=1000)
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ValidationError({"days": "延期天数应为 1 到 30 个工作日。"})
    clock = clocks.running_clock(appeal, clock_kind)
    if clock is None:
        raise ValidationError({"clock": "该时限未在计时，不能申请延期。"})
    if appeal.extensions.filter(clock=clock, state=Extension.State.PENDING).exists():
        raise ValidationError({"clock": "该时限已有待审批的延期申请。"})
    extension = Extension.objects.create(
        appeal=appeal, clock=clock, days=days, reason=reason, requested_by=actor
    )
    events.record(
        appeal,
        "extension_requested",
        actor=actor,
        from_state=appeal.status,
        note=reason,
        clock=clock_kind,
        days=days,
    )
    _notify(
        _users(Role.SUPERVISOR, appeal.division),
        appeal,
        "extension",
        f"诉求 {appeal.number} 申请延期 {days} 个工作日",
    )
    return extension


@transaction.atomic
def decide_extension(
    extension: Extension, *, actor: User, approve: bool, note: str = ""
) -> Extension:
    """Approve (moving only that clock) or refuse an extension request."""
    appeal = _lock(extension.appeal)
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    check("decide_extension", appeal.status)
    _require(selectors.oversees(actor, appeal, Role.SUPERVISOR, Role.ADMIN), actor, "extension")
    if extension.state != Extension.State.PENDING:
        raise ValidationError({"extension": "该延期申请已经审批过了。"})
    if not approve:
        note = _text(note, "note", "不同意延期的理由", max_length=1000)
    extension.state = Extension.State.APPROVED if approve else Extension.State.REFUSED
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.decision_note = note
    extension.save(
        update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    if approve:
        clock = Clock.objects.select_for_update().get(pk=extension.clock_id)
        if clock.stopped_at is None:
            clock.due_at = clocks.shift_due(clock.due_at, extension.days)
            clock.extended_days += extension.days
            clock.warning_level = 0
            clock.save(update_fields=["due_at", "extended_days", "warning_level"])
            clocks.refresh_next_due(appeal)
    events.record(
        appeal,
        "extension_approved" if approve else "extension_refused",
        actor=actor,
        from_state=appeal.status,
        note=note,
        clock=extension.clock.kind,
        days=extension.days,
    )
    _notify(
        [extension.requested_by],
        appeal,
        "extension_decided",
        f"诉求 {appeal.number} 延期申请已审批",
    )
    return extension


@transaction.atomic
def consult_appeal(appeal: Appeal, *, actor: User, note: str, agreement: str = "") -> Consultation:
    """会商: a staff-only note, and what the departments and supervisor agreed."""
    appeal = _lock(appeal)
    check("consult", appeal.status)
    _require(
        not selectors.is_enterprise_owner(actor, appeal)
        and selectors.is_staff_viewer(actor, appeal),
        actor,
        "consult",
        appeal,
    )
    note = _text(note, "note", "会商意见", max_length=5000)
    consultation = Consultation.objects.create(
        appeal=appeal, author=actor, note=note, agreement=(agreement or "").strip()
    )
    events.record(
        appeal,
        "consulted",
        actor=actor,
        from_state=appeal.status,
        staff_only=True,
        note=agreement or "",
        consultation=consultation.pk,
    )
    return consultation


# --- the deadline sweep ------------------------------------------------------------------
def sweep_deadlines(now: dt.datetime | None = None) -> int:
    """Send the ladder's warnings and escalations that are due, each exactly once: a
    clock's level moves with a conditional UPDATE, so a second sweep (or a second
    worker at the same time) finds nothing to do. Returns the number of steps sent."""
    now = now or timezone.now()
    steps = clocks.ladder()
    if not steps:
        return 0
    earliest_offset = min(s.offset_days for s in steps)
    horizon = now + dt.timedelta(days=max(0, -earliest_offset) * 2 + 10)
    candidates = (
        Clock.objects.filter(
            stopped_at__isnull=True,
            paused_at__isnull=True,
            due_at__lte=horizon,
            warning_level__lt=steps[-1].level,
        )
        .order_by("due_at", "pk")
        .values_list("pk", "due_at", "warning_level")
    )
    calendar = get_calendar()
    triggers: dict[tuple[dt.date, int], dt.datetime] = {}

    def trigger(due_at: dt.datetime, offset: int) -> dt.datetime:
        if offset == 0:
            return due_at
        key = (timezone.localdate(due_at), offset)  # other offsets depend on the day only
        if key not in triggers:
            triggers[key] = clocks.trigger_at(calendar, due_at, offset)
        return triggers[key]

    due: list[tuple[int, int, list[EscalationStep]]] = []
    for pk, due_at, level in list(candidates):
        fired = [s for s in steps if s.level > level and trigger(due_at, s.offset_days) < now]
        if fired:
            due.append((pk, level, fired))
    record_fallbacks(calendar)
    recipients: dict[tuple[str, int], list[User]] = {}
    sent = 0
    # Batches of clocks per transaction (fewer commits); within a batch the clocks are
    # taken in (due_at, id) order, as by every other worker, so row locks never deadlock.
    for first in range(0, len(due), SWEEP_BATCH):
        with transaction.atomic():
            for pk, level, fired in due[first : first + SWEEP_BATCH]:
                sent += _escalate(pk, level, fired, recipients)
    return sent


SWEEP_BATCH = 100


def _escalate(
    clock_pk: int,
    level: int,
    fired: list[EscalationStep],
    cache: dict[tuple[str, int], list[User]],
) -> int:
    updated = Clock.objects.filter(
        pk=clock_pk, warning_level=level, stopped_at__isnull=True
    ).update(warning_level=fired[-1].level)
    if not updated:
        return 0  # another worker got there first, or the clock stopped
    clock = Clock.objects.select_related(
        "appeal", "appeal__division", "appeal__lead_department"
    ).get(pk=clock_pk)
    appeal = clock.appeal
    department = appeal.lead_department

    def people(role: str, org: Organisation | None) -> list[User]:
        if org is None:
            return []
        if (role, org.pk) not in cache:
            cache[(role, org.pk)] = _users(role, org)
        return cache[(role, org.pk)]

    for step in fired:
        recipients: list[User] = []
        if step.notify_handler:
            recipients += people(Role.HANDLER, department)
        if step.notify_dept_head:
            recipients += people(Role.DEPT_HEAD, department)
        if step.notify_supervisor:
            recipients += people(Role.SUPERVISOR, appeal.division)
        if step.notify_leader:
            recipients += people(Role.LEADER, appeal.division)
        word = ACTION_ZH[step.action]
        clock_name = CLOCK_ZH[clock.kind]
        events.record(
            appeal,
            "deadline_warning",
            actor=None,
            from_state=appeal.status,
            note=f"{word}：{clock_name}时限",
            staff_only=True,
            clock=clock.kind,
            level=step.level,
            action=step.action,
        )
        _notify(
            recipients,
            appeal,
            f"deadline.{step.action}",
            f"【{word}】诉求 {appeal.number} {clock_name}时限"
            f"{'即将到期' if step.offset_days < 0 else '已超期'}",
            dedupe_key=f"appeal-clock:{clock.pk}:{step.level}",
            sms=step.sms,
        )
    return len(fired)
