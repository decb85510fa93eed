"""The closed loop (闭环): dispatch, acknowledge, return, contact, reply, call back, close,
reopen, suspend, resume, withdraw and mark duplicate."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, Role, User
from qinqing.appeals import clocks, events, selectors
from qinqing.appeals.models import (
    Appeal,
    Assignment,
    Clock,
    ClockKind,
    Rating,
    ReplyResult,
    Status,
)
from qinqing.appeals.services.common import (
    _enterprise_users,
    _lock,
    _notify,
    _require,
    _save,
    _set_status,
    _text,
    _users,
)
from qinqing.appeals.transitions import check


# --- 派单 / 签收 / 退回 ----------------------------------------------------------------
def _may_dispatch(actor: Any, appeal: Appeal) -> bool:
    return selectors.oversees(actor, appeal, *selectors.DISPATCH_ROLES)


@transaction.atomic
def dispatch_appeal(
    appeal: Appeal,
    *,
    actor: User,
    to: Organisation,
    assist: Sequence[Organisation] = (),
    note: str = "",
) -> Assignment:
    appeal = _lock(appeal)
    before, after = _set_status(appeal, "dispatch")
    _require(_may_dispatch(actor, appeal), actor, "dispatch", appeal)
    if not to.is_active:
        raise ValidationError({"department": f"承办单位“{to.name}”已停用。"})
    if any(a.pk == to.pk for a in assist):
        raise ValidationError({"assist": "协办单位不能与主办单位相同。"})
    now = timezone.now()
    appeal.assignments.filter(state=Assignment.State.PENDING).update(state=Assignment.State.CLOSED)
    lead = Assignment.objects.create(
        appeal=appeal, department=to, role=Assignment.Role.LEAD, assigned_by=actor, reason=note
    )
    for org in {a.pk: a for a in assist}.values():
        Assignment.objects.create(
            appeal=appeal, department=org, role=Assignment.Role.ASSIST, assigned_by=actor
        )
    appeal.lead_department = to
    _save(appeal, "lead_department")
    cycle = Clock.objects.filter(appeal=appeal, kind=ClockKind.ACKNOWLEDGE).count()
    clocks.start_clock(appeal, ClockKind.ACKNOWLEDGE, now, cycle=cycle)
    clocks.refresh_next_due(appeal)
    events.record(
        appeal,
        "dispatched",
        actor=actor,
        from_state=before,
        to_state=after,
        note=note,
        lead=to.name,
        assist=[a.name for a in assist],
    )
    handlers = _users(Role.HANDLER, to) + [u for a in assist for u in _users(Role.HANDLER, a)]
    _notify(handlers, appeal, "dispatched", f"新派诉求 {appeal.number}：{appeal.title}", sms=True)
    return lead


@transaction.atomic
def acknowledge_appeal(appeal: Appeal, *, actor: User, note: str = "") -> Assignment:
    """签收. The lead department's acknowledgement moves the appeal; an assisting
    department's only its own assignment."""
    appeal = _lock(appeal)
    lead = selectors.current_lead(appeal)
    if lead is not None and selectors.department_in_scope(actor, lead.department):
        before, after = _set_status(appeal, "acknowledge")
        now = timezone.now()
        on_time = clocks.stop_clocks(appeal, [ClockKind.ACKNOWLEDGE], now)
        if appeal.ack_on_time is None:
            appeal.ack_on_time = on_time.get(ClockKind.ACKNOWLEDGE, True)
        clocks.start_clock(appeal, ClockKind.CONTACT, now, cycle=appeal.reopen_count)
        clocks.start_clock(appeal, ClockKind.REPLY, now, cycle=appeal.reopen_count)
        _save(appeal, "ack_on_time")
        clocks.refresh_next_due(appeal)
        lead.state = Assignment.State.ACKNOWLEDGED
        lead.save(update_fields=["state", "updated_at"])
        events.record(
            appeal, "acknowledged", actor=actor, from_state=before, to_state=after, note=note
        )
        return lead
    assist = (
        appeal.assignments.filter(role=Assignment.Role.ASSIST, state=Assignment.State.PENDING)
        .select_related("department")
        .order_by("id")
    )
    mine = next((a for a in assist if selectors.department_in_scope(actor, a.department)), None)
    if mine is None:
        check("acknowledge", appeal.status)  # e.g. already returned: say so, not "denied"
    _require(mine is not None, actor, "acknowledge", appeal)
    assert mine is not None
    check("acknowledge_assist", appeal.status)
    mine.state = Assignment.State.ACKNOWLEDGED
    mine.save(update_fields=["state", "updated_at"])
    events.record(
        appeal,
        "assist_acknowledged",
        actor=actor,
        from_state=appeal.status,
        note=note,
        department=mine.department.name,
    )
    return mine


@transaction.atomic
def return_appeal(appeal: Appeal, *, actor: User, reason: str) -> Assignment:
    """退回: the lead department gives the appeal back to the dispatcher with a reason."""
    appeal = _lock(appeal)
    reason = _text(reason, "reason", "退回理由", max_length=1000)
    before, after = _set_status(appeal, "return")
    lead = selectors.current_lead(appeal)
    _require(
        lead is not None and selectors.department_in_scope(actor, lead.department),
        actor,
        "return",
        appeal,
    )
    assert lead is not None
    now = timezone.now()
    on_time = clocks.stop_clocks(appeal, [ClockKind.ACKNOWLEDGE], now)
    if appeal.ack_on_time is None:
        appeal.ack_on_time = on_time.get(ClockKind.ACKNOWLEDGE, True)
    lead.state = Assignment.State.RETURNED
    lead.reason = reason
    lead.save(update_fields=["state", "reason", "updated_at"])
    appeal.assignments.filter(role=Assignment.Role.ASSIST).exclude(
        state=Assignment.State.CLOSED
    ).update(state=Assignment.State.CLOSED)
    appeal.return_count += 1
    appeal.lead_department = None
    _save(appeal, "return_count", "lead_department", "ack_on_time")
    clocks.refresh_next_due(appeal)
    events.record(
        appeal,
        "returned",
        actor=actor,
        from_state=before,
        to_state=after,
        note=reason,
        department=lead.department.name,
    )
    _notify(
        _users(Role.INTAKE_OPERATOR, appeal.division),
        appeal,
        "returned",
        f"诉求 {appeal.number} 被{lead.department.name}退回，请重新派单",
    )
    return lead


# --- 联系 / 答复 -----------------------------------------------------------------------
def _require_lead(actor: Any, appeal: Appeal, action: str) -> Assignment:
    lead = selectors.current_lead(appeal)
    _require(
        lead is not None and selectors.department_in_scope(actor, lead.department),
        actor,
        action,
        appeal,
    )
    assert lead is not None
    return lead


CONTACT_METHODS = {"phone": "电话", "visit": "上门", "meeting": "约谈", "online": "线上"}


@transaction.atomic
def record_contact(
    appeal: Appeal,
    *,
    actor: User,
    method: str,
    person: str,
    contacted_at: dt.datetime | None = None,
    note: str = "",
) -> Appeal:
    appeal = _lock(appeal)
    before, after = _set_status(appeal, "contact")
    _require_lead(actor, appeal, "contact")
    if method not in CONTACT_METHODS:
        raise ValidationError({"method": "联系方式无效，应为电话、上门、约谈或线上。"})
    person = _text(person, "person", "对接人", max_length=50)
    now = timezone.now()
    contacted_at = contacted_at or now
    if contacted_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"contacted_at": "联系时间不能晚于现在。"})
    stopped = clocks.stop_clocks(appeal, [ClockKind.CONTACT], contacted_at)
    if appeal.contact_on_time is None and ClockKind.CONTACT in stopped:
        appeal.contact_on_time = stopped[ClockKind.CONTACT]
    _save(appeal, "contact_on_time")
    clocks.refresh_next_due(appeal)
    events.record(
        appeal,
        "contacted",
        actor=actor,
        from_state=before,
        to_state=after,
        note=note,
        method=CONTACT_METHODS[method],
        person=person,
        contacted_at=contacted_at.isoformat(),
    )
    return appeal


@transaction.atomic
def reply_appeal(
    appeal: Appeal, *, actor: User, result: str, text: str, policy_reason: str = ""
) -> Appeal:
    appeal = _lock(appeal)
    before, after = _set_status(appeal, "reply")
    lead = _require_lead(actor, appeal, "reply")
    if result not in ReplyResult.values:
        raise ValidationError({"result": "答复结果无效，应为已解决、部分解决或无法解决。"})
    text = _text(text, "text", "答复内容", max_length=5000)
    if result == ReplyResult.CANNOT:
        policy_reason = _text(policy_reason, "policy_reason", "无法解决的政策依据", max_length=2000)
    now = timezone.now()
    clocks.stop_clocks(appeal, [ClockKind.CONTACT, ClockKind.REPLY], now)
    clocks.start_clock(appeal, ClockKind.CALLBACK, now, cycle=appeal.reopen_count)
    appeal.reply_result, appeal.reply_text, appeal.replied_at = result, text, now
    _save(appeal, "reply_result", "reply_text", "replied_at")
    clocks.refresh_next_due(appeal)
    lead.state = Assignment.State.REPLIED
    lead.save(update_fields=["state", "updated_at"])
    events.record(
        appeal,
        "replied",
        actor=actor,
        from_state=before,
        to_state=after,
        note=text,
        result=result,
        policy_reason=policy_reason,
    )
    _notify(
        _enterprise_users(appeal) + _users(Role.SUPERVISOR, appeal.division),
        appeal,
        "replied",
        f"诉求 {appeal.number} 已答复，请回访评价",
        sms=True,
    )
    return appeal


# --- 回访 / 办结 / 重办 -------------------------------------------------------------------
def _may_call_back(actor: Any, appeal: Appeal) -> bool:
    return selectors.is_enterprise_owner(actor, appeal) or selectors.oversees(
        actor, appeal, Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN
    )


@transaction.atomic
def call_back_appeal(
    appeal: Appeal, *, actor: User, solved: bool, rating: str, note: str = ""
) -> Appeal:
    """回访: solved? and a five-level rating, by a supervisor or the enterprise online."""
    appeal = _lock(appeal)
    before, after = _set_status(appeal, "call_back")
    _require(_may_call_back(actor, appeal), actor, "call_back", appeal)
    if rating not in Rating.values:
        raise ValidationError(
            {"rating": "请选择评价：非常满意、满意、基本满意、不满意或非常不满意。"}
        )
    clocks.stop_clocks(appeal, [ClockKind.CALLBACK], timezone.now())
    appeal.callback_solved, appeal.rating = bool(solved), rating
    _save(appeal, "callback_solved", "rating")
    clocks.refresh_next_due(appeal)
    events.record(
        appeal,
        "called_back",
        actor=actor,
        from_state=before,
        to_state=after,
        note=note,
        solved=bool(solved),
        rating=rating,
        online=selectors.is_enterprise_owner(actor, appeal),
    )
    if rating in (Rating.UNSATISFIED, Rating.VERY_UNSATISFIED) or not solved:
        _notify(
            _users(Role.SUPERVISOR, appeal.division),
            appeal,
            "unsatisfied",
            f"诉求 {appeal.number} 回访不满意，请核实是否重办",
        )
    return appeal


def _may_close(actor: Any, appeal: Appeal) -> bool:
    return selectors.oversees(actor, appeal, Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)


@transaction.atomic
def close_appeal(appeal: Appeal, *, actor: User, note: str = "") -> Appeal:
    appeal = _lock(appeal)
    before, after = _set_status(appeal, "close")
    _require(_may_close(actor, appeal), actor, "close", appeal)
    now = timezone.now()
    reply_clocks = Clock.objects.filter(appeal=appeal, kind=ClockKind.REPLY)
    appeal.closed_on_time = all(
        c.stopped_at is not None and c.stopped_at <= c.due_at for c in reply_clocks
    )
    appeal.closed_at = now
    appeal.close_workdays = max(clocks.working_days_between(appeal.created_at, now), 0)
    appeal.next_due_at = None
    _save(appeal, "closed_on_time", "closed_at", "close_workdays", "next_due_at")
    appeal.assignments.exclude(state=Assignment.State.RETURNED).update(
        state=Assignment.State.CLOSED
    )
    events.record(appeal, "closed", actor=actor, from_state=before, to_state=after, note=note)
    return appeal


@transaction.atomic
def reopen_appeal(appeal: Appeal, *, actor: User, reason: str) -> Appeal:
    """重办: back to the lead department with a new reply clock."""
    appeal = _lock(appeal)
    reason = _text(reason, "reason", "重办理由", max_length=1000)
    before, after = _set_status(appeal, "reopen")
    _require(_may_close(actor, appeal), actor, "reopen", appeal)
    appeal.reopen_count += 1
    now = timezone.now()
    clocks.start_clock(appeal, ClockKind.REPLY, now, cycle=appeal.reopen_count)
    appeal.callback_solved, appeal.rating, appeal.reply_result = None, "", ""
    _save(appeal, "reopen_count", "callback_solved", "rating", "reply_result")
    clocks.refresh_next_due(appeal)
    lead = selectors.current_lead(appeal)
    if lead is not None:
        lead.state = Assignment.State.ACKNOWLEDGED
        lead.save(update_fields=["state", "updated_at"])
    events.record(appeal, "reopened", actor=actor, from_state=before, to_state=after, note=reason)
    if lead is not None:
        _notify(
            _users(Role.HANDLER, lead.department) + _users(Role.DEPT_HEAD, lead.department),
            appeal,
            "reopened",
            f"诉求 {appeal.number} 企业不满意，需重办",
            sms=True,
        )
    return appeal


# --- 挂起 / 恢复 / 撤回 / 重复件 ---------------------------------------------------------
def _may_suspend(actor: Any, appeal: Appeal) -> bool:
    lead = selectors.current_lead(appeal)
    return (
        lead is not None and selectors.department_in_scope(actor, lead.department)
    ) or selectors.oversees(actor, appeal, Role.SUPERVISOR, Role.ADMIN)


@transaction.atomic
def suspend_appeal(appeal: Appeal, *, actor: User, reason: str) -> Appeal:
    appeal = _lock(appeal)
    reason = _text(reason, "reason", "挂起原因", max_length=1000)
    before, after = _set_status(appeal, "suspend")
    _require(_may_suspend(actor, appeal), actor, "suspend", appeal)
    clocks.pause_clocks(appeal, timezone.now())
    appeal.suspended_from = before
    _save(appeal, "suspended_from")
    clocks.refresh_next_due(appeal)
    events.record(appeal, "suspended", actor=actor, from_state=before, to_state=after, note=reason)
    return appeal


@transaction.atomic
def resume_appeal(appeal: Appeal, *, actor: User, note: str = "") -> Appeal:
    appeal = _lock(appeal)
    before, after = _set_status(appeal, "resume", appeal.suspended_from or Status.HANDLING)
    _require(_may_suspend(actor, appeal), actor, "resume", appeal)
    clocks.resume_clocks(appeal, timezone.now())
    appeal.suspended_from = ""
    _save(appeal, "suspended_from")
    clocks.refresh_next_due(appeal)
    events.record(appeal, "resumed", actor=actor, from_state=before, to_state=after, note=note)
    return appeal


@transaction.atomic
def withdraw_appeal(appeal: Appeal, *, actor: User, reason: str = "") -> Appeal:
    """撤回: the enterprise (or intake on its behalf) withdraws before handling starts."""
    appeal = _lock(appeal)
    _require(
        selectors.is_enterprise_owner(actor, appeal) or _may_dispatch(actor, appeal),
        actor,
        "withdraw",
        appeal,
    )
    before, after = _set_status(appeal, "withdraw")
    _finish(appeal)
    events.record(appeal, "withdrawn", actor=actor, from_state=before, to_state=after, note=reason)
    return appeal


def _finish(appeal: Appeal) -> None:
    now = timezone.now()
    Clock.objects.filter(appeal=appeal, stopped_at__isnull=True).update(stopped_at=now)
    appeal.assignments.filter(state=Assignment.State.PENDING).update(state=Assignment.State.CLOSED)
    appeal.next_due_at = None
    appeal.closed_at = now
    _save(appeal, "next_due_at", "closed_at")


@transaction.atomic
def mark_duplicate(appeal: Appeal, *, actor: User, original: Appeal, note: str = "") -> Appeal:
    appeal = _lock(appeal)
    before, after = _set_status(appeal, "mark_duplicate")
    _require(_may_dispatch(actor, appeal), actor, "mark_duplicate", appeal)
    if original.pk == appeal.pk or original.duplicate_of_id == appeal.pk:
        raise ValidationError({"original": "不能把诉求标记为它自己的重复件。"})
    if not selectors.can_see(actor, original):
        raise ValidationError({"original": "找不到原诉求，请检查编号。"})
    appeal.duplicate_of = original
    _finish(appeal)
    _save(appeal, "duplicate_of")
    events.record(
        appeal,
        "duplicate",
        actor=actor,
        from_state=before,
        to_state=after,
        note=note,
        original=original.number,
    )
    return appeal
