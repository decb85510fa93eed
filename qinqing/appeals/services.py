"""Writes on appeals: one atomic function per step. Each locks the appeal row, checks
the transition table and the actor's rights, writes the timeline event in the same
transaction and notifies (SMS after commit)."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, Role, User
from qinqing.accounts.permissions import deny, enterprise_uscc, has_role, org_in_scope
from qinqing.accounts.permissions import users_with_role as _users_with_role
from qinqing.appeals import clocks, events, selectors
from qinqing.appeals.models import (
    Appeal,
    AppealType,
    Assignment,
    Attachment,
    Category,
    Channel,
    Clock,
    ClockKind,
    Consultation,
    EscalationStep,
    Extension,
    NumberCounter,
    Rating,
    ReplyResult,
    Status,
)
from qinqing.appeals.transitions import check
from qinqing.core.notify import notify
from qinqing.enterprises.models import Enterprise
from qinqing.workdays.services import get_calendar, record_fallbacks

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
ALLOWED_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".txt"}
_MAGIC = {".pdf": [b"%PDF"], ".png": [b"\x89PNG"], ".jpg": [b"\xff\xd8"], ".jpeg": [b"\xff\xd8"]}
CLOCK_ZH = {"acknowledge": "签收", "contact": "联系企业", "reply": "答复", "callback": "回访"}
ACTION_ZH = {"remind": "提醒", "urge": "催办", "supervise": "督办", "report": "通报"}


# --- helpers -------------------------------------------------------------------------
def _lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal.pk)


def _refuse(actor: Any, action: str, appeal: Appeal | None = None) -> Exception:
    return deny(None, actor, f"appeals:{action}", appeal=appeal.pk if appeal else None)


def _require(condition: bool, actor: Any, action: str, appeal: Appeal | None = None) -> None:
    if not condition:
        raise _refuse(actor, action, appeal)


def _set_status(appeal: Appeal, action: str, target: str | None = None) -> tuple[str, str]:
    step = check(action, appeal.status)
    before = appeal.status
    appeal.status = target or step.target or before
    return before, appeal.status


def _save(appeal: Appeal, *fields: str) -> None:
    appeal.save(update_fields=["status", "updated_at", *fields])


def _text(value: str, field: str, label: str, *, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: f"请填写{label}。"})
    if max_length and len(value) > max_length:
        raise ValidationError({field: f"{label}不能超过 {max_length} 个字。"})
    return value


def _staff_url(appeal: Appeal) -> str:
    return f"/appeals/{appeal.pk}/"


def _users(role: str, org: Organisation | None) -> list[User]:
    return list(_users_with_role(role, org)) if org is not None else []


def _enterprise_users(appeal: Appeal) -> list[User]:
    if appeal.enterprise_id and appeal.enterprise is not None:
        return list(User.objects.filter(uscc=appeal.enterprise.uscc, is_active=True))
    return [appeal.created_by] if appeal.created_by and appeal.created_by.uscc else []


def _notify(users: Iterable[User], appeal: Appeal, kind: str, title: str, **kw: Any) -> None:
    notify(users, kind=f"appeal.{kind}", title=title, url=_staff_url(appeal), **kw)


def _default_division() -> Organisation:
    division = Organisation.objects.filter(kind=OrgKind.DIVISION, depth=0).order_by("id").first()
    if division is None:
        raise ValidationError({"division": "系统尚未设置行政区划，无法受理。"})
    return division


def _number_prefix(division: Organisation) -> str:
    code = division.code or ""
    return code[:6] if code[:6].isdigit() else getattr(settings, "APPEAL_NUMBER_PREFIX", "QQ")


def next_number(division: Organisation, now: dt.datetime) -> str:
    """Region prefix + year + sequence, from a counter row locked for the transaction."""
    prefix, year = _number_prefix(division), timezone.localtime(now).year
    counter = NumberCounter.objects.select_for_update().filter(prefix=prefix, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(prefix=prefix, year=year)
        except IntegrityError:
            pass  # another request created it first
        counter = NumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"{prefix}{year}{counter.value:07d}"


def _search_text(appeal: Appeal) -> str:
    parts = [appeal.number, appeal.title, appeal.description, appeal.address]
    if appeal.enterprise is not None:
        parts += [appeal.enterprise.name, appeal.enterprise.uscc]
    return " ".join(p for p in parts if p).lower()


# --- 受理 --------------------------------------------------------------------------------
def idempotency_key_for(actor: Any, key: str) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    if len(key) > 150:
        raise ValidationError({"idempotency_key": "幂等键不能超过 150 个字符。"})
    return f"{actor.pk}:{key}"


def content_key(*parts: Any) -> str:
    """An idempotency key derived from a request's content (for clients that send none)."""
    return "h:" + hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]


def register_appeal(
    *,
    actor: User,
    channel: str,
    title: str,
    description: str,
    requester_name: str,
    requester_phone: str,
    appeal_type: str = AppealType.APPEAL,
    category: Category | None = None,
    enterprise: Enterprise | None = None,
    address: str = "",
    division: Organisation | None = None,
    lat: float | None = None,
    lon: float | None = None,
    idempotency_key: str = "",
    files: Sequence[UploadedFile] = (),
) -> tuple[Appeal, bool]:
    """Register an appeal. Returns (appeal, created); a repeated idempotency key returns
    the appeal created the first time and changes nothing."""
    key = idempotency_key_for(actor, idempotency_key)
    if key:
        existing = Appeal.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing, False
    own_uscc = enterprise_uscc(actor)
    staff = has_role(actor, Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN) or getattr(
        actor, "is_superuser", False
    )
    if own_uscc and not staff:
        enterprise = Enterprise.objects.filter(uscc=own_uscc).first()
        if enterprise is None:
            raise ValidationError(
                {"enterprise": "您的账号关联的企业不在企业库中，请联系营商服务中心。"}
            )
        if channel not in (Channel.PORTAL, Channel.API, Channel.OPEN311):
            channel = Channel.PORTAL
    else:
        _require(staff, actor, "register")
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = "受理渠道无效。"
    if appeal_type not in AppealType.values:
        errors["type"] = "诉求类型无效，应为诉求、投诉、咨询、建议或求助。"
    if category is not None and not category.is_active:
        errors["category"] = "该诉求分类已停用。"
    if errors:
        raise ValidationError(errors)
    title = _text(title, "title", "标题", max_length=200)
    description = _text(description, "description", "诉求内容", max_length=5000)
    requester_name = _text(requester_name, "requester_name", "联系人", max_length=50)
    requester_phone = _text(requester_phone, "requester_phone", "联系电话", max_length=30)
    if not any(ch.isdigit() for ch in requester_phone) or len(requester_phone) < 5:
        raise ValidationError({"requester_phone": "联系电话格式不正确。"})
    _check_files(files)
    division = division or (enterprise.division if enterprise else None) or _default_division()
    if division.kind != OrgKind.DIVISION:
        raise ValidationError({"division": "所属区划必须是行政区划。"})
    if staff and not getattr(actor, "is_superuser", False) and not own_uscc:
        _require(
            org_in_scope(actor, division, Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN),
            actor,
            "register",
        )
    try:
        with transaction.atomic():
            appeal = _create_appeal(
                actor=actor,
                key=key,
                channel=channel,
                appeal_type=appeal_type,
                category=category,
                title=title,
                description=description,
                enterprise=enterprise,
                requester_name=requester_name,
                requester_phone=requester_phone,
                address=(address or "").strip()[:200],
                division=division,
                lat=lat,
                lon=lon,
                files=files,
            )
    except IntegrityError:
        if key:
            existing = Appeal.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing, False
        raise
    return appeal, True


def _create_appeal(
    *, actor: User, key: str | None, files: Sequence[UploadedFile], **fields: Any
) -> Appeal:
    now = timezone.now()
    appeal = Appeal(
        number=f"tmp-{secrets.token_hex(8)}",
        type=fields.pop("appeal_type"),
        created_by=actor,
        idempotency_key=key,
        status=Status.REGISTERED,
        **fields,
    )
    appeal.save()
    event = events.record(appeal, "registered", actor=actor, to_state=Status.REGISTERED)
    for upload in files:
        _store_attachment(appeal, upload, actor=actor, event=event)
    # The counter row is locked last, so concurrent intakes wait on it only for the
    # last update and the commit.
    appeal.number = next_number(fields["division"], now)
    appeal.search_text = _search_text(appeal)
    appeal.save(update_fields=["number", "search_text"])
    return appeal


def _check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"附件最多 {MAX_ATTACHMENTS} 个。"})
    for upload in files:
        name = upload.name or ""
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise ValidationError(
                {
                    "attachments": f"附件“{name}”的类型不允许，只接受 PDF、图片、Word、Excel 和文本文件。"
                }
            )
        if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": f"附件“{name}”超过 10 MB。"})
        if suffix in _MAGIC:
            head = upload.read(8)
            upload.seek(0)
            if not any(head.startswith(m) for m in _MAGIC[suffix]):
                raise ValidationError({"attachments": f"附件“{name}”的内容与扩展名不符。"})


def _store_attachment(
    appeal: Appeal,
    upload: UploadedFile,
    *,
    actor: Any,
    event: Any = None,
    staff_only: bool = False,
) -> Attachment:
    attachment = Attachment(
        appeal=appeal,
        event=event,
        token=secrets.token_hex(16),
        name=Path(upload.name or "file").name[:200],
        content_type=getattr(upload, "content_type", "") or "application/octet-stream",
        size=upload.size or 0,
        staff_only=staff_only,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(attachment.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def add_attachments(
    appeal: Appeal, *, actor: User, files: Sequence[UploadedFile], staff_only: bool = False
) -> list[Attachment]:
    appeal = _lock(appeal)
    check("attach", appeal.status)
    _require(selectors.can_see(actor, appeal), actor, "attach", appeal)
    if selectors.is_enterprise_owner(actor, appeal):
        staff_only = False
    _check_files(files)
    if not files:
        raise ValidationError({"attachments": "请选择要上传的文件。"})
    event = events.record(
        appeal, "attached", actor=actor, from_state=appeal.status, staff_only=staff_only
    )
    return [
        _store_attachment(appeal, f, actor=actor, event=event, staff_only=staff_only) for f in files
    ]


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
