"""Writes on 包联, 走访 and 政企活动: one atomic function per use case. Each checks who may
act, writes a timeline row and notifies after commit. Stationing rounds live in
`stationing.py`."""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, Role, User
from qinqing.accounts.permissions import deny, enterprise_uscc, has_role, org_in_scope
from qinqing.accounts.permissions import users_with_role as _users_with_role
from qinqing.core.notify import notify
from qinqing.core.uploads import IMAGE_MAGIC, UploadRule, check_uploads, store_upload
from qinqing.enterprises.models import Enterprise
from qinqing.liaison import events, selectors
from qinqing.liaison.models import (
    Activity,
    ActivityKind,
    ActivitySeries,
    Difficulty,
    Liaison,
    LiaisonRole,
    Milestone,
    Outcome,
    OutcomeKind,
    Participation,
    PolicyPush,
    ServiceTeam,
    Stay,
    Visit,
    VisitPhoto,
)

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTOS = UploadRule(
    field="photos",
    noun="照片",
    too_many=f"照片最多 {MAX_PHOTOS} 张。",
    max_count=MAX_PHOTOS,
    max_bytes=MAX_PHOTO_BYTES,
    size_text="8 MB",
    magic=IMAGE_MAGIC,
    kinds_text="JPG 和 PNG",
)
MAX_MONEY = Decimal("99999999")  # 万元
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
INTAKE_ROLES = (Role.INTAKE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)


# --- helpers -------------------------------------------------------------------------
def clean_text(
    value: Any, field: str, label: str, *, max_length: int, required: bool = True
) -> str:
    """Text without control characters; a Chinese error naming the field otherwise."""
    text = _CONTROL.sub("", str(value or "")).strip()
    if required and not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > max_length:
        raise ValidationError({field: f"{label}不能超过 {max_length} 个字。"})
    return text


def clean_money(value: Any, field: str = "money", label: str = "金额") -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}应为数字（万元）。"}) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        raise ValidationError({field: f"{label}应在 0 到 {MAX_MONEY} 万元之间。"})
    return amount.quantize(Decimal("0.01"))


def require(condition: bool, actor: Any, action: str, **detail: Any) -> None:
    if not condition:
        raise deny(None, actor, f"liaison:{action}", **detail)


def _is_staff_person(user: User | None) -> bool:
    return user is not None and user.is_active and not user.uscc


def enterprise_users(enterprise: Enterprise) -> list[User]:
    return list(User.objects.filter(uscc=enterprise.uscc, is_active=True))


def officers_for(enterprise: Enterprise | None) -> list[User]:
    """Supervisors over the enterprise's division (or anywhere, when it has none)."""
    if enterprise is not None and enterprise.division is not None:
        return list(_users_with_role(Role.SUPERVISOR, enterprise.division))
    return list(User.objects.filter(is_active=True, memberships__role=Role.SUPERVISOR).distinct())


# --- 包联 assignments -----------------------------------------------------------------
def assign_liaison(
    enterprise: Enterprise,
    *,
    actor: User,
    role: str,
    starts_on: dt.date,
    cadre: User | None = None,
    organisation: Organisation | None = None,
    ends_on: dt.date | None = None,
    note: str = "",
) -> Liaison:
    require(selectors.is_officer(actor), actor, "assign")
    if role not in LiaisonRole.values:
        raise ValidationError(
            {"role": "包联角色无效，应为包联领导、联络员、服务专员或服务小组成员。"}
        )
    if cadre is None and organisation is None:
        raise ValidationError({"cadre": "请指定包联干部或包联单位。"})
    if cadre is not None and not _is_staff_person(cadre):
        raise ValidationError({"cadre": "包联干部必须是在岗的政府工作人员账号。"})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
    note = clean_text(note, "note", "备注", max_length=200, required=False)
    with transaction.atomic():
        duplicate = Liaison.objects.filter(
            selectors.active_on(starts_on),
            enterprise=enterprise,
            cadre=cadre,
            organisation=organisation,
            role=role,
        ).exists()
        if duplicate:
            raise ValidationError({"cadre": "该包联关系已存在，无需重复指派。"})
        liaison = Liaison.objects.create(
            enterprise=enterprise,
            cadre=cadre,
            organisation=organisation,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
            created_by=actor,
        )
        events.liaison_assigned(liaison.pk, enterprise.pk, actor=actor, role=role)
        if cadre is not None:
            notify(
                [cadre],
                kind="liaison_assigned",
                title=f"您已被指派为{enterprise.name}的{liaison.get_role_display()}",
                url="/liaison/mine/",
                dedupe_key=f"liaison:{liaison.pk}",
            )
    return liaison


def end_liaison(liaison: Liaison, *, actor: User, on: dt.date) -> Liaison:
    require(selectors.is_officer(actor), actor, "end_liaison")
    with transaction.atomic():
        liaison = Liaison.objects.select_for_update().get(pk=liaison.pk)
        if on < liaison.starts_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期。"})
        liaison.ends_on = on
        liaison.save(update_fields=["ends_on", "updated_at"])
    return liaison


# --- 服务小组 (一企一策) ------------------------------------------------------------------
def create_team(
    enterprise: Enterprise,
    *,
    actor: User,
    name: str,
    plan: str,
    lead: User,
    members: Iterable[User] = (),
) -> ServiceTeam:
    require(selectors.is_officer(actor), actor, "create_team")
    name = clean_text(name, "name", "小组名称", max_length=100)
    plan = clean_text(plan, "plan", "一企一策方案", max_length=5000)
    people = [lead, *members]
    if not all(_is_staff_person(p) for p in people):
        raise ValidationError({"members": "小组成员必须是政府工作人员账号。"})
    with transaction.atomic():
        team = ServiceTeam.objects.create(enterprise=enterprise, name=name, plan=plan, lead=lead)
        team.members.set({p.pk for p in people})
    return team


def add_milestone(team: ServiceTeam, *, actor: User, title: str, due_on: dt.date) -> Milestone:
    require(selectors.is_officer(actor) or team.lead_id == actor.pk, actor, "milestone")
    title = clean_text(title, "title", "节点名称", max_length=200)
    return Milestone.objects.create(team=team, title=title, due_on=due_on)


def complete_milestone(milestone: Milestone, *, actor: User, on: dt.date) -> Milestone:
    team = milestone.team
    require(
        selectors.is_officer(actor) or team.members.filter(pk=actor.pk).exists(), actor, "milestone"
    )
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        milestone.done_on = on
        milestone.save(update_fields=["done_on"])
    return milestone


# --- 走访 visits ------------------------------------------------------------------------
def record_visit(
    enterprise: Enterprise,
    *,
    actor: User,
    visited_on: dt.date,
    people_met: str,
    discussion: str,
    photos: Sequence[UploadedFile] = (),
) -> Visit:
    require(selectors.may_work_with(actor, enterprise), actor, "visit", enterprise=enterprise.pk)
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "走访日期不能晚于今天。"})
    people_met = clean_text(people_met, "people_met", "见面人员", max_length=200)
    discussion = clean_text(discussion, "discussion", "交流内容", max_length=5000)
    check_uploads(photos, PHOTOS)
    with transaction.atomic():
        visit = Visit.objects.create(
            enterprise=enterprise,
            cadre=actor,
            visited_on=visited_on,
            people_met=people_met,
            discussion=discussion,
        )
        for upload in photos:
            store_upload(
                VisitPhoto(visit=visit), upload, default_type="image/jpeg", default_name="photo"
            )
        events.visit_recorded(visit, actor=actor)
    return visit


# --- 困难问题 → 诉求 --------------------------------------------------------------------
def may_register_appeals(actor: Any, enterprise: Enterprise) -> bool:
    """An intake operator or supervisor of the enterprise's area, or the enterprise's own
    liaison cadre (whom appeals accepts as an intake delegate on the 包联 channel)."""
    if getattr(actor, "is_superuser", False):
        return True
    division = enterprise.division
    if division is not None and org_in_scope(actor, division, *INTAKE_ROLES):
        return True
    return selectors.is_liaison_cadre_of(actor, enterprise)


def raise_difficulty(
    enterprise: Enterprise,
    *,
    actor: User,
    title: str,
    description: str,
    money: Any = None,
    visit: Visit | None = None,
    stay: Stay | None = None,
    activity: Activity | None = None,
) -> Difficulty:
    """Record a difficulty found at the enterprise. When the actor may register appeals
    (an intake operator or supervisor, or the enterprise's own liaison cadre on a visit
    or stay) it becomes an appeal at once through the appeals intake service; otherwise
    the intake operators of the enterprise's area are told to register it."""
    if activity is not None:
        require(selectors.is_officer(actor), actor, "activity_difficulty")
    elif stay is not None:
        require(stay.cadre_id == actor.pk, actor, "stay_difficulty", stay=stay.pk)
    else:
        require(selectors.may_work_with(actor, enterprise), actor, "difficulty")
    title = clean_text(title, "title", "问题标题", max_length=200)
    description = clean_text(description, "description", "问题描述", max_length=5000)
    amount = clean_money(money, "money", "涉及金额")
    with transaction.atomic():
        difficulty = Difficulty.objects.create(
            enterprise=enterprise,
            raised_by=actor,
            visit=visit,
            stay=stay,
            activity=activity,
            title=title,
            description=description,
            money=amount,
        )
        events.difficulty_raised(difficulty, actor=actor)
        if may_register_appeals(actor, enterprise):
            difficulty = register_difficulty(difficulty, actor=actor)
        else:
            intake = (
                list(_users_with_role(Role.INTAKE_OPERATOR, enterprise.division))
                if enterprise.division
                else []
            )
            notify(
                intake,
                kind="liaison_difficulty",
                title=f"包联干部反映{enterprise.name}的困难问题待受理：{title}"[:200],
                url="/liaison/difficulties/",
                dedupe_key=f"difficulty:{difficulty.pk}",
            )
    return difficulty


def register_difficulty(difficulty: Difficulty, *, actor: User) -> Difficulty:
    """Register the difficulty as an appeal through the appeals intake service (channel
    包联, the cadre as the contact, the enterprise linked). Safe to call twice."""
    from qinqing.appeals.models import Channel
    from qinqing.appeals.services import IntakeInput, register_appeal

    require(may_register_appeals(actor, difficulty.enterprise), actor, "register_difficulty")
    with transaction.atomic():
        difficulty = Difficulty.objects.select_for_update().get(pk=difficulty.pk)
        if difficulty.appeal_id is not None:
            return difficulty
        enterprise = difficulty.enterprise
        cadre = difficulty.raised_by
        where = (
            "驻企期间" if difficulty.stay_id else ("政企活动" if difficulty.activity_id else "走访")
        )
        # At an activity the enterprise speaks for itself; on a visit or stay the cadre
        # is the source and the contact.
        if difficulty.activity_id and enterprise.contact_phone:
            name, phone = enterprise.contact_name or enterprise.name, enterprise.contact_phone
        else:
            name, phone = cadre.display_name, cadre.phone or enterprise.contact_phone
        if not phone:
            raise ValidationError(
                {
                    "requester_phone": "没有可用的联系电话：请在账号中填写手机号，或在企业库登记企业联系电话。"
                }
            )
        appeal, _ = register_appeal(
            IntakeInput(
                channel=Channel.LIAISON,
                title=difficulty.title,
                description=f"{difficulty.description}\n\n（{where}由{cadre.display_name}反映）",
                requester_name=name[:50],
                requester_phone=phone,
                enterprise=enterprise,
                idempotency_key=f"liaison-difficulty:{difficulty.pk}",
            ),
            actor=actor,
        )
        difficulty.appeal = appeal
        difficulty.save(update_fields=["appeal", "updated_at"])
        events.difficulty_registered(difficulty, actor=actor)
    return difficulty


# --- 政策对接 --------------------------------------------------------------------------
def push_policy(
    enterprise: Enterprise,
    item: Any,
    *,
    actor: User,
    visit: Visit | None = None,
    stay: Stay | None = None,
) -> PolicyPush:
    """Bring one matched policy item to the enterprise: its users are told (once per
    item and rule version, the same message as the policies push) and the push is kept
    as evidence."""
    from qinqing.policies.models import PolicyItem
    from qinqing.policies.services import push_item_to_enterprise

    item = PolicyItem.objects.get(pk=item.pk)
    if stay is not None:
        require(stay.cadre_id == actor.pk, actor, "stay_push", stay=stay.pk)
    else:
        require(selectors.may_work_with(actor, enterprise), actor, "push")
    with transaction.atomic():
        push, created = PolicyPush.objects.get_or_create(
            enterprise=enterprise,
            item=item,
            stay=stay,
            defaults={"pushed_by": actor, "visit": visit},
        )
        if created:
            # the policies service decides whether the firm qualifies and tells its users
            # (a refusal rolls the push record back)
            push_item_to_enterprise(item, enterprise, actor=actor)
            events.policy_pushed(push, actor=actor)
    return push


# --- 政企活动 ---------------------------------------------------------------------------
def create_series(*, actor: User, name: str, kind: str, organiser: Organisation) -> ActivitySeries:
    require(selectors.is_officer(actor), actor, "series")
    name = clean_text(name, "name", "系列名称", max_length=100)
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": "活动类型无效。"})
    series, _ = ActivitySeries.objects.get_or_create(
        name=name, defaults={"kind": kind, "organiser": organiser}
    )
    return series


def create_activity(
    *,
    actor: User,
    kind: str,
    title: str,
    organiser: Organisation,
    held_on: dt.date,
    place: str = "",
    series: ActivitySeries | None = None,
    invited: Iterable[Enterprise] = (),
) -> Activity:
    require(selectors.is_officer(actor), actor, "activity")
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": "活动类型无效。"})
    if organiser.kind == OrgKind.WINDOW:
        raise ValidationError({"organiser": "主办单位应为部门或区划。"})
    title = clean_text(title, "title", "活动名称", max_length=200)
    place = clean_text(place, "place", "地点", max_length=200, required=False)
    with transaction.atomic():
        activity = Activity.objects.create(
            series=series,
            kind=kind,
            title=title,
            organiser=organiser,
            held_on=held_on,
            place=place,
            created_by=actor,
        )
        for enterprise in invited:
            Participation.objects.create(activity=activity, enterprise=enterprise, invited=True)
            notify(
                enterprise_users(enterprise),
                kind="activity_invite",
                title=f"邀请您参加{held_on.month}月{held_on.day}日的“{title}”"[:200],
                url=f"/liaison/activities/{activity.pk}/",
                dedupe_key=f"activity:{activity.pk}",
            )
        events.activity_held(activity, actor=actor)
    return activity


def sign_up(
    activity: Activity, *, actor: User, enterprise: Enterprise | None = None
) -> Participation:
    """An enterprise signs itself up online; an officer signs up any enterprise."""
    own = enterprise_uscc(actor)
    if own:
        enterprise = Enterprise.objects.filter(uscc=own).first()
        if enterprise is None:
            raise ValidationError({"enterprise": "您的账号关联的企业不在企业库中。"})
    else:
        require(selectors.is_officer(actor), actor, "sign_up")
        if enterprise is None:
            raise ValidationError({"enterprise": "请选择报名企业。"})
    if activity.held_on < timezone.localdate():
        raise ValidationError({"enterprise": "活动已经举办，不能再报名。"})
    with transaction.atomic():
        participation, _ = Participation.objects.get_or_create(
            activity=activity, enterprise=enterprise
        )
        if participation.signed_up_by_id is None:
            participation.signed_up_by = actor
            participation.save(update_fields=["signed_up_by"])
    return participation


def mark_attendance(
    activity: Activity, enterprise: Enterprise, *, actor: User, attended: bool = True
) -> Participation:
    require(selectors.is_officer(actor), actor, "attendance")
    with transaction.atomic():
        participation, _ = Participation.objects.select_for_update().get_or_create(
            activity=activity, enterprise=enterprise
        )
        participation.attended = attended
        participation.save(update_fields=["attended"])
    return participation


def record_outcome(
    activity: Activity,
    enterprise: Enterprise,
    *,
    actor: User,
    kind: str,
    bank: str = "",
    amount: Any = None,
    count: Any = 1,
) -> Outcome:
    require(selectors.is_officer(actor), actor, "outcome")
    if kind not in OutcomeKind.values:
        raise ValidationError({"kind": "成果类型无效。"})
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 10000:
        raise ValidationError({"count": "数量应为 1 到 10000 之间的整数。"})
    bank = clean_text(bank, "bank", "银行或对方单位", max_length=100, required=False)
    if kind.startswith("loan") and not bank:
        raise ValidationError({"bank": "融资成果请填写银行。"})
    with transaction.atomic():
        mark_attendance(activity, enterprise, actor=actor)
        return Outcome.objects.create(
            activity=activity,
            enterprise=enterprise,
            kind=kind,
            bank=bank,
            amount=clean_money(amount, "amount", "金额"),
            count=count,
            recorded_by=actor,
        )


def is_intake_capable(actor: Any) -> bool:
    return has_role(actor, *INTAKE_ROLES) or bool(getattr(actor, "is_superuser", False))
