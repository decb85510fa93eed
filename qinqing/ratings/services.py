"""Writes of 好差评: one atomic function per use case, each leaving a timeline row."""

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, Role, User
from qinqing.accounts.permissions import ensure, users_with_role
from qinqing.core.notify import notify
from qinqing.lib.masking import mask_phone
from qinqing.ratings import conf, events
from qinqing.ratings.models import (
    BAD_LEVELS,
    CallbackOutcome,
    Channel,
    Contest,
    ContestStatus,
    Level,
    Observation,
    Observer,
    Rating,
    RatingPoint,
    Rectification,
    RectificationStatus,
    ServiceEvent,
    ServiceKind,
)
from qinqing.ratings.selectors import is_overseer, is_rated_unit, may_invite_observers
from qinqing.ratings.transitions import check_transition
from qinqing.workdays.services import deadline_after

MAX_TAGS = 5


def record_service_event(
    *,
    kind: str,
    reference: str,
    department: Organisation,
    occurred_at: dt.datetime | None = None,
    matter: str = "",
    window: Organisation | None = None,
    handled_by: User | None = None,
    served_user: User | None = None,
    served_phone: str = "",
) -> ServiceEvent:
    """The rateable record of one service. Idempotent on `reference` ("appeal:123"):
    calling it again returns the first event unchanged."""
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": f"服务类型“{kind}”无效。"})
    if not reference or len(reference) > 80:
        raise ValidationError({"reference": "业务编号必填，且不超过 80 个字符。"})
    if department.kind == OrgKind.DIVISION:
        raise ValidationError({"department": "服务事件必须归属一个部门或窗口，不能是区划。"})
    existing = ServiceEvent.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ServiceEvent.objects.create(
                kind=kind,
                reference=reference,
                department=department,
                window=window,
                matter=matter[:200],
                handled_by=handled_by,
                served_user=served_user,
                served_phone_masked=mask_phone(served_phone),
                occurred_at=occurred_at or timezone.now(),
            )
    except IntegrityError:  # a concurrent call created it first
        return ServiceEvent.objects.get(reference=reference)


def _clean_rating_input(level: Any, tags: Iterable[str], comment: str) -> tuple[int, list[str]]:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        raise ValidationError(
            {"level": "请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意之一）。"}
        )
    clean_tags = [str(t).strip()[:20] for t in tags if str(t).strip()]
    if len(clean_tags) > MAX_TAGS:
        raise ValidationError({"tags": f"标签最多 {MAX_TAGS} 个。"})
    if len(comment) > 1000:
        raise ValidationError({"comment": "评价内容不能超过 1000 字。"})
    if level in BAD_LEVELS and not comment.strip() and not clean_tags:
        raise ValidationError({"comment": "差评请选择标签或填写原因，便于核实整改。"})
    return level, clean_tags


def submit_rating(
    event: ServiceEvent,
    *,
    actor: Any,
    level: Any,
    channel: str,
    tags: Iterable[str] = (),
    comment: str = "",
) -> Rating:
    """Rate a service event once. The caller has checked that `actor` may rate through
    `channel` (selectors.may_rate_on_web / may_record_phone_rating, or a QR token)."""
    level, clean_tags = _clean_rating_input(level, tags, comment)
    if channel not in Channel.values:
        raise ValidationError({"channel": "评价渠道无效。"})
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        event = ServiceEvent.objects.select_for_update().get(pk=event.pk)
        if Rating.objects.filter(event=event).exists():
            raise ValidationError({"level": "这项服务已经评价过，每项服务只能评价一次。"})
        now = timezone.now()
        rating = Rating.objects.create(
            event=event,
            level=level,
            tags=clean_tags,
            comment=comment.strip(),
            channel=channel,
            rated_by=event.served_user if channel == Channel.PHONE else user,
            recorded_by=user if channel == Channel.PHONE else None,
            rated_at=now,
            department_id=event.department_id,
            window_id=event.window_id,
            handled_by_id=event.handled_by_id,
            matter=event.matter,
            is_bad=level in BAD_LEVELS,
        )
        events.rated(rating, actor=user)
        if rating.is_bad:
            _open_rectification(rating, actor=user)
    return rating


def _open_rectification(rating: Rating, *, actor: Any) -> Rectification:
    due_at = deadline_after(rating.rated_at, conf.rectify_workdays())
    rect = Rectification.objects.create(rating=rating, due_at=due_at)
    events.rectification_opened(rating, actor=actor, due_at=due_at.isoformat())
    department = rating.department
    notify(
        [
            *users_with_role(Role.DEPT_HEAD, department),
            *users_with_role(Role.SUPERVISOR, department),
        ],
        kind="ratings.bad",
        title=f"收到差评：{rating.matter or rating.event.reference}",
        body=f"请在 {timezone.localtime(due_at):%Y-%m-%d %H:%M} 前完成核实整改。",
        url=reverse("ratings:detail", args=[rating.pk]),
        dedupe_key=f"ratings.bad:{rating.pk}",
    )
    return rect


def rate_at_window(
    point: RatingPoint,
    *,
    visit_key: str,
    level: Any,
    tags: Iterable[str] = (),
    comment: str = "",
    matter: str = "",
    actor: Any = None,
) -> Rating:
    """A rating from a window's QR code: creates the visit (一次一评) and rates it.
    `visit_key` comes from the form, so a resubmitted form returns the first rating."""
    try:
        key = uuid.UUID(str(visit_key)).hex
    except ValueError as exc:
        raise ValidationError({"visit_key": "页面已过期，请重新扫码评价。"}) from exc
    reference = f"window:{point.window_id}:{key}"
    existing = Rating.objects.filter(event__reference=reference).first()
    if existing is not None:
        return existing
    _clean_rating_input(level, tags, comment)  # validate before writing anything
    window = point.window
    with transaction.atomic():
        event = record_service_event(
            kind=ServiceKind.WINDOW,
            reference=reference,
            department=window.parent
            if window.parent and window.parent.kind != OrgKind.DIVISION
            else window,
            window=window,
            matter=matter or str(window),
            served_user=actor if getattr(actor, "pk", None) else None,
        )
        return submit_rating(
            event, actor=actor, level=level, channel=Channel.QR, tags=tags, comment=comment
        )


def ensure_rating_point(window: Organisation) -> RatingPoint:
    if window.kind != OrgKind.WINDOW:
        raise ValidationError({"window": "只有窗口可以生成评价码。"})
    point, _ = RatingPoint.objects.get_or_create(window=window)
    return point


def _ensure_overseer(actor: Any, rating: Rating, action: str) -> None:
    """The supervisors over the rated department verify, call back and decide contests;
    checked here as well as in the view, so no second adapter can skip it."""
    ensure(
        is_overseer(actor, rating.department), None, actor, f"ratings:{action}", rating=rating.pk
    )


def _move(rect: Rectification, new: str, kind: str, *, actor: Any, note: str, **data: Any) -> None:
    old = rect.status
    check_transition(old, new)
    rect.status = new
    events.rectification_moved(
        rect.rating, kind, actor=actor, from_state=old, to_state=new, note=note, **data
    )


def _locked(rect: Rectification) -> Rectification:
    return Rectification.objects.select_for_update().select_related("rating").get(pk=rect.pk)


def verify_rectification(rect: Rectification, *, actor: Any, note: str) -> Rectification:
    """核实: the supervisor confirms what happened (usually by calling the person back)."""
    _ensure_overseer(actor, rect.rating, "verify")
    if not note.strip():
        raise ValidationError({"note": "请填写核实情况。"})
    with transaction.atomic():
        rect = _locked(rect)
        _move(rect, RectificationStatus.VERIFIED, "verified", actor=actor, note=note)
        rect.verified_at = timezone.now()
        rect.verification_note = note.strip()
        rect.save(update_fields=["status", "verified_at", "verification_note", "updated_at"])
    return rect


def record_rectification(rect: Rectification, *, actor: Any, note: str) -> Rectification:
    """整改: the rated unit says what it changed (or why there is no legal basis)."""
    department = rect.rating.department
    ensure(
        is_rated_unit(actor, department) or is_overseer(actor, department),
        None, actor, "ratings:rectify", rating=rect.rating_id,
    )  # fmt: skip
    if not note.strip():
        raise ValidationError({"note": "请填写整改措施。"})
    with transaction.atomic():
        rect = _locked(rect)
        now = timezone.now()
        _move(
            rect,
            RectificationStatus.RECTIFIED,
            "rectified",
            actor=actor,
            note=note,
            on_time=now <= rect.due_at,
        )
        rect.rectified_at = now
        rect.rectification_note = note.strip()
        rect.save(update_fields=["status", "rectified_at", "rectification_note", "updated_at"])
    return rect


def record_callback(
    rect: Rectification, *, actor: Any, outcome: str, note: str = ""
) -> Rectification:
    """回访: the person is called back; the outcome closes the case."""
    _ensure_overseer(actor, rect.rating, "callback")
    if outcome not in CallbackOutcome.values:
        raise ValidationError({"outcome": "请选择回访结果。"})
    with transaction.atomic():
        rect = _locked(rect)
        _move(
            rect, RectificationStatus.CLOSED, "called_back", actor=actor, note=note, outcome=outcome
        )
        rect.called_back_at = timezone.now()
        rect.callback_outcome = outcome
        rect.callback_note = note.strip()
        rect.save(
            update_fields=[
                "status",
                "called_back_at",
                "callback_outcome",
                "callback_note",
                "updated_at",
            ]
        )
    return rect


def file_contest(rating: Rating, *, actor: Any, reason: str) -> Contest:
    """申诉: the rated unit says the rating is malicious or mistaken."""
    ensure(
        is_rated_unit(actor, rating.department), None, actor, "ratings:contest", rating=rating.pk
    )
    if not rating.is_bad:
        raise ValidationError({"rating": "只有差评可以申诉。"})
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "申诉理由至少 10 个字，请说明评价为何属于恶意或误评。"})
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if rating.excluded:
            raise ValidationError({"rating": "该评价已被认定无效，无需再申诉。"})
        if Contest.objects.filter(rating=rating, status=ContestStatus.PENDING).exists():
            raise ValidationError({"rating": "该评价已有待处理的申诉。"})
        contest = Contest.objects.create(rating=rating, filed_by=actor, reason=reason.strip())
        events.contest_filed(rating, actor=actor, reason=contest.reason, contest_id=contest.pk)
        notify(
            users_with_role(Role.SUPERVISOR, rating.department),
            kind="ratings.contest",
            title=f"差评申诉待复核：{rating.matter or rating.event.reference}",
            url=reverse("ratings:detail", args=[rating.pk]),
            dedupe_key=f"ratings.contest:{contest.pk}",
        )
    return contest


def decide_contest(contest: Contest, *, actor: Any, accept: bool, note: str) -> Contest:
    """复核: an accepted contest takes the rating out of every figure and voids its case."""
    _ensure_overseer(actor, contest.rating, "decide")
    if not note.strip():
        raise ValidationError({"note": "请填写复核意见。"})
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if contest.status != ContestStatus.PENDING:
            raise ValidationError({"contest": "该申诉已经处理过。"})
        rating = Rating.objects.select_for_update().get(pk=contest.rating_id)
        contest.status = ContestStatus.ACCEPTED if accept else ContestStatus.REJECTED
        contest.decided_by = actor
        contest.decided_at = timezone.now()
        contest.decision_note = note.strip()
        contest.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
        )
        events.contest_decided(
            rating,
            actor=actor,
            status=contest.status,
            note=contest.decision_note,
            contest_id=contest.pk,
        )
        if accept:
            rating.excluded = True
            rating.save(update_fields=["excluded", "updated_at"])
            rect = Rectification.objects.select_for_update().filter(rating=rating).first()
            if rect is not None and rect.status != RectificationStatus.CLOSED:
                _move(
                    rect,
                    RectificationStatus.VOID,
                    "voided",
                    actor=actor,
                    note=contest.decision_note,
                )
                rect.save(update_fields=["status", "updated_at"])
    return contest


# --- Observers (营商环境特约监督员 / 体验员) ------------------------------------


def invite_observer(
    *,
    actor: Any,
    username: str,
    full_name: str,
    phone: str,
    division: Organisation,
    title: str = "营商环境特约监督员",
) -> tuple[Observer, str]:
    """Create the observer's account and profile; returns the one-time initial password."""
    ensure(may_invite_observers(actor), None, actor, "ratings:observers")
    username = username.strip()
    if not username:
        raise ValidationError({"username": "请填写登录名。"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"登录名“{username}”已被使用。"})
    if not full_name.strip():
        raise ValidationError({"full_name": "请填写监督员姓名。"})
    if division.kind != OrgKind.DIVISION:
        raise ValidationError({"division": "请选择一个区划。"})
    raw_password = secrets.token_urlsafe(12) + "Aa1"
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=raw_password,
            full_name=full_name.strip(),
            phone=phone.strip(),
        )
        observer = Observer.objects.create(
            user=user, division=division, invited_by=actor, title=title or "营商环境特约监督员"
        )
    return observer, raw_password


def record_observation(
    observer: Observer,
    *,
    where: str,
    department: Organisation,
    window: Organisation | None = None,
    matter: str,
    narrative: str,
    problem: str = "",
    key: str = "",
) -> Observation:
    """An observer's experience becomes a rateable service event (kind observation).
    `key` (a form's UUID) makes a resubmission return the first observation."""
    if where not in {"window", "online"}:
        raise ValidationError({"where": "请选择体验方式（窗口或网上）。"})
    if not matter.strip():
        raise ValidationError({"matter": "请填写体验的事项。"})
    if len(narrative.strip()) < 10:
        raise ValidationError({"narrative": "体验经过至少 10 个字。"})
    if window is not None and not window.path.startswith(department.path):
        raise ValidationError({"window": "所选窗口不属于该部门。"})
    reference = f"observation:{observer.pk}:{key or uuid.uuid4().hex}"[:80]
    existing = Observation.objects.filter(event__reference=reference).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        event = record_service_event(
            kind=ServiceKind.OBSERVATION,
            reference=reference,
            department=department,
            window=window,
            matter=matter.strip(),
            served_user=observer.user,
        )
        return Observation.objects.create(
            observer=observer,
            event=event,
            where=where,
            narrative=narrative.strip(),
            problem=problem.strip(),
        )


def link_observation_to_appeal(observation: Observation, *, appeal_reference: str) -> Observation:
    with transaction.atomic():
        observation = Observation.objects.select_for_update().get(pk=observation.pk)
        if observation.appeal_reference:
            return observation
        observation.appeal_reference = appeal_reference[:40]
        observation.save(update_fields=["appeal_reference", "updated_at"])
    return observation


def turn_observation_into_appeal(observation: Observation, *, actor: Any) -> str:
    """Register the observation's problem as an appeal (with the appeals app's clocks)
    through qinqing.appeals.services.register_appeal; idempotent per observation.
    Returns the appeal number."""
    from qinqing.appeals.services import IntakeInput, register_appeal

    if not observation.problem:
        raise ValidationError({"problem": "该体验记录没有反映问题，无需转为诉求。"})
    if observation.appeal_reference:
        return observation.appeal_reference
    user = observation.observer.user
    appeal, _ = register_appeal(
        IntakeInput(
            channel="visit",
            title=f"监督员反映：{observation.event.matter}"[:200],
            description=f"{observation.problem}\n\n体验经过：{observation.narrative}",
            requester_name=str(user)[:50],
            requester_phone=user.phone or (observation.event.department.phone or ""),
            division=observation.observer.division,
            idempotency_key=f"observation:{observation.pk}",
        ),
        actor=actor,
    )
    link_observation_to_appeal(observation, appeal_reference=appeal.number)
    return appeal.number
