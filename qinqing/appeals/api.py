"""JSON API for appeals (mounted at /api/v1/appeals/). Thin: selectors read, services write.
Errors: 403/404 with `detail`; invalid input or an illegal step 422 with the field."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Header, Query, Router, Status

from qinqing.accounts.models import Organisation, Role
from qinqing.accounts.permissions import deny, has_role
from qinqing.appeals import metrics, selectors, services
from qinqing.appeals.models import Appeal, Extension
from qinqing.appeals.schemas import (
    AppealCreate,
    AppealListItem,
    AppealRead,
    CallBackIn,
    ConsultIn,
    ContactIn,
    DispatchIn,
    DuplicateIn,
    ExtensionCreate,
    ExtensionDecision,
    ExtensionRead,
    MetricRead,
    NoteIn,
    ReasonIn,
    ReplyIn,
)
from qinqing.lib.masking import mask_name, mask_phone
from qinqing.lib.paging import MAX_PAGE

router = Router(tags=["appeals"])


def _list_item(appeal: Appeal, *, personal: bool) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "number": appeal.number,
        "type": appeal.type,
        "channel": appeal.channel,
        "status": appeal.status,
        "title": appeal.title,
        "category_id": appeal.category_id,
        "lead_department_id": appeal.lead_department_id,
        "next_due_at": appeal.next_due_at,
        "created_at": appeal.created_at,
        "requester_name": appeal.requester_name if personal else mask_name(appeal.requester_name),
        "requester_phone": appeal.requester_phone
        if personal
        else mask_phone(appeal.requester_phone),
    }


def _read(request: HttpRequest, appeal: Appeal) -> dict[str, Any]:
    user = request.user
    staff = selectors.is_staff_viewer(user, appeal)
    written = getattr(appeal, "written_events", None)  # just registered (services/intake.py)
    if written is not None:
        events = [e for e in written if staff or not e.staff_only]
    else:
        events = appeal.events.select_related("actor")
        if not staff:
            events = events.filter(staff_only=False)
    return {
        **_list_item(appeal, personal=selectors.may_view_personal_data(user, appeal)),
        "description": appeal.description,
        "enterprise_uscc": appeal.enterprise.uscc
        if appeal.enterprise_id and appeal.enterprise
        else None,
        "address": appeal.address,
        "division_id": appeal.division_id,
        "reply_result": appeal.reply_result,
        "reply_text": appeal.reply_text,
        "callback_solved": appeal.callback_solved,
        "rating": appeal.rating,
        "duplicate_of_id": appeal.duplicate_of_id,
        "clocks": [] if written is not None else list(appeal.clocks.order_by("started_at", "id")),
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
                "actor": str(e.actor) if e.actor else None,
            }
            for e in events
        ],
    }


def _appeal(request: HttpRequest, appeal_id: int) -> Appeal:
    return selectors.access_appeal(request.user, appeal_id)


@router.post("/", response={200: AppealRead, 201: AppealRead}, summary="Register an appeal")
def create_appeal(
    request: HttpRequest,
    payload: AppealCreate,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status:
    """A retry with the same `Idempotency-Key` returns the first appeal (200), never a second."""
    data = services.IntakeInput(
        channel=payload.channel,
        appeal_type=payload.type,
        category=services.category_by_id(payload.category_id),
        title=payload.title,
        description=payload.description,
        enterprise=services.enterprise_by_uscc(payload.enterprise_uscc),
        requester_name=payload.requester_name,
        requester_phone=payload.requester_phone,
        address=payload.address,
        division=services.division_by_id(payload.division_id),
        idempotency_key=idempotency_key,
    )
    appeal, created = services.register_appeal(data, actor=request.user)
    return Status(201 if created else 200, _read(request, appeal))


@router.get("/", response=list[AppealListItem], summary="Appeals the caller may see")
def list_appeals(
    request: HttpRequest,
    status: str = "",
    overdue: bool = False,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    limit: int = Query(50, ge=1, le=100),
) -> list[dict[str, Any]]:
    qs = selectors.appeals_visible_to(request.user).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(next_due_at__lt=dt.datetime.now(dt.UTC))
    rows = qs[(page - 1) * limit : page * limit]
    return [_list_item(a, personal=False) for a in rows]


@router.get("/{appeal_id}", response=AppealRead, summary="One appeal with its clocks and timeline")
def get_appeal(request: HttpRequest, appeal_id: int) -> dict[str, Any]:
    return _read(request, _appeal(request, appeal_id))


def _org(org_id: int, field: str) -> Organisation:
    org = Organisation.objects.filter(pk=org_id, is_active=True).first()
    if org is None:
        raise ValidationError({field: "单位不存在或已停用。"})
    return org


@router.post("/{appeal_id}/dispatch", response=AppealRead, summary="派单")
def dispatch(request: HttpRequest, appeal_id: int, payload: DispatchIn) -> dict[str, Any]:
    appeal = _appeal(request, appeal_id)
    services.dispatch_appeal(
        appeal,
        actor=request.user,
        to=_org(payload.department_id, "department_id"),
        assist=[_org(i, "assist_ids") for i in payload.assist_ids],
        note=payload.note,
    )
    return _read(request, _appeal(request, appeal_id))


def _simple(name: str, summary: str, schema: Any, call: Any) -> None:
    def endpoint(request: HttpRequest, appeal_id: int, payload: schema) -> dict[str, Any]:  # type: ignore[valid-type]
        call(_appeal(request, appeal_id), request.user, payload)
        return _read(request, _appeal(request, appeal_id))

    endpoint.__name__ = name.replace("-", "_")
    router.post(f"/{{appeal_id}}/{name}", response=AppealRead, summary=summary)(endpoint)


_simple(
    "acknowledge",
    "签收",
    NoteIn,
    lambda a, u, p: services.acknowledge_appeal(a, actor=u, note=p.note),
)
_simple(
    "return", "退回", ReasonIn, lambda a, u, p: services.return_appeal(a, actor=u, reason=p.reason)
)
_simple(
    "contact",
    "联系企业",
    ContactIn,
    lambda a, u, p: services.record_contact(
        a, actor=u, method=p.method, person=p.person, contacted_at=p.contacted_at, note=p.note
    ),
)
_simple(
    "reply",
    "答复",
    ReplyIn,
    lambda a, u, p: services.reply_appeal(
        a, actor=u, result=p.result, text=p.text, policy_reason=p.policy_reason
    ),
)
_simple(
    "call-back",
    "回访",
    CallBackIn,
    lambda a, u, p: services.call_back_appeal(
        a, actor=u, solved=p.solved, rating=p.rating, note=p.note
    ),
)
_simple("close", "办结", NoteIn, lambda a, u, p: services.close_appeal(a, actor=u, note=p.note))
_simple(
    "reopen", "重办", ReasonIn, lambda a, u, p: services.reopen_appeal(a, actor=u, reason=p.reason)
)
_simple(
    "suspend",
    "挂起",
    ReasonIn,
    lambda a, u, p: services.suspend_appeal(a, actor=u, reason=p.reason),
)
_simple("resume", "恢复", NoteIn, lambda a, u, p: services.resume_appeal(a, actor=u, note=p.note))
_simple(
    "withdraw", "撤回", NoteIn, lambda a, u, p: services.withdraw_appeal(a, actor=u, reason=p.note)
)
_simple("urge", "催办", ReasonIn, lambda a, u, p: services.urge_appeal(a, actor=u, note=p.reason))
_simple(
    "supervise",
    "督办",
    ReasonIn,
    lambda a, u, p: services.urge_appeal(a, actor=u, note=p.reason, formal=True),
)
_simple(
    "consult",
    "会商",
    ConsultIn,
    lambda a, u, p: services.consult_appeal(a, actor=u, note=p.note, agreement=p.agreement),
)


@router.post("/{appeal_id}/duplicate", response=AppealRead, summary="标记重复件")
def duplicate(request: HttpRequest, appeal_id: int, payload: DuplicateIn) -> dict[str, Any]:
    appeal = _appeal(request, appeal_id)
    try:
        original = selectors.access_appeal(request.user, payload.original_id)
    except Http404 as exc:
        raise ValidationError({"original_id": "找不到原诉求。"}) from exc
    services.mark_duplicate(appeal, actor=request.user, original=original, note=payload.note)
    return _read(request, _appeal(request, appeal_id))


@router.post("/{appeal_id}/extensions", response={201: ExtensionRead}, summary="申请延期")
def create_extension(request: HttpRequest, appeal_id: int, payload: ExtensionCreate) -> Status:
    extension = services.request_extension(
        _appeal(request, appeal_id),
        actor=request.user,
        clock_kind=payload.clock,
        days=payload.days,
        reason=payload.reason,
    )
    return Status(201, extension)


@router.post("/extensions/{extension_id}/decide", response=ExtensionRead, summary="审批延期")
def decide_extension(
    request: HttpRequest, extension_id: int, payload: ExtensionDecision
) -> Extension:
    extension = get_object_or_404(Extension, pk=extension_id)
    selectors.access_appeal(request.user, extension.appeal_id)
    return services.decide_extension(
        extension, actor=request.user, approve=payload.approve, note=payload.note
    )


@router.get(
    "/metrics/", response=list[MetricRead], summary="Figures per department, category or month"
)
def appeal_metrics(
    request: HttpRequest, start: dt.date, end: dt.date, group_by: str | None = None
) -> list[dict[str, Any]]:
    """For supervisors, leaders and administrators, over their own division."""
    roles = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
    if not has_role(request.user, *roles) and not request.user.is_superuser:
        raise deny(request, request.user, "api:appeals:metrics")
    if group_by not in metrics.GROUPS:
        raise ValidationError({"group_by": "分组方式应为 department、category 或 month。"})
    if end <= start or (end - start).days > 366 * 3:
        raise ValidationError({"end": "结束日期应晚于开始日期，且区间不超过三年。"})
    division = None
    if not request.user.is_superuser:
        from qinqing.accounts.permissions import organisations_for

        orgs = Organisation.objects.filter(pk__in=organisations_for(request.user, *roles))
        division = orgs.order_by("depth").first()
    rows = metrics.compute(start, end, group_by=group_by, division=division)
    return [{**r.as_dict(), "key": None if r.key is None else str(r.key)} for r in rows]
