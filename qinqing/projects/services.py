"""Writes of projects, their approval chain and the weekly schedule (周调度): one atomic
function per use case, each leaving a timeline row; notifications after commit."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind, User
from qinqing.accounts.permissions import deny, org_in_scope
from qinqing.appeals.models import Appeal
from qinqing.catalog.models import Matter, MatterStatus
from qinqing.core.notify import notify
from qinqing.enterprises.models import Enterprise
from qinqing.lib.text import describe, first_control
from qinqing.projects import events, figures, selectors
from qinqing.projects.models import (
    FLAGS,
    MAX_INVESTMENT,
    ItemStatus,
    PermitMode,
    Project,
    ProjectMatter,
    ProjectType,
    ScheduleItem,
    Stage,
)
from qinqing.projects.transitions import check

# The channel a schedule blocker is registered on as an appeal: the 周调度 is run by the
# service centre's project desk (工程建设项目审批窗口 / 营商中心), so the appeal comes in
# "at a service window" with the enterprise linked.
ESCALATION_CHANNEL = "window"


def require(condition: bool, actor: Any, action: str, **detail: Any) -> None:
    if not condition:
        raise deny(None, actor, f"projects:{action}", **detail)


def clean_text(
    value: Any, field: str, label: str, *, required: bool = False, max_length: int = 300
) -> str:
    text = str(value if value is not None else "").strip()
    bad = first_control(text)
    if bad is not None:
        raise ValidationError(
            {field: f"{label}含有不可见的控制字符（{describe(bad)}），请删除后重试。"}
        )
    if required and not text:
        raise ValidationError({field: f"请填写{label}。"})
    if len(text) > max_length:
        raise ValidationError({field: f"{label}不能超过 {max_length} 个字。"})
    return text


def clean_investment(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"investment": "总投资应为数字（万元）。"}) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_INVESTMENT:
        raise ValidationError({"investment": f"总投资应大于 0 且不超过 {MAX_INVESTMENT} 万元。"})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"investment": "总投资最多保留两位小数（万元）。"})
    return amount.quantize(Decimal("0.01"))


def _choice(value: Any, choices: Any, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: f"{label}无效。"})
    return str(value)


def _save(obj: Any, *fields: str) -> None:
    obj.save(update_fields=[*fields, "updated_at"])


# --- projects ----------------------------------------------------------------------


def create_project(
    *,
    actor: Any,
    code: str,
    name: str,
    enterprise: Enterprise,
    project_type: str,
    lead_department: Organisation,
    investment: Any,
    division: Organisation | None = None,
    standard_land: bool = False,
    permit_mode: str = PermitMode.ONE,
    flags: Mapping[str, bool] | None = None,
) -> Project:
    """项目入库: the lead department (or a supervisor) registers the project."""
    require(selectors.may_lead(actor, lead_department), actor, "create_project")
    code = clean_text(code, "code", "项目代码", required=True, max_length=40)
    name = clean_text(name, "name", "项目名称", required=True, max_length=200)
    fields = _checked_fields(
        project_type=project_type,
        permit_mode=permit_mode,
        investment=investment,
        lead_department=lead_department,
        division=division or enterprise.division,
    )
    with transaction.atomic():
        if Project.objects.filter(code=code).exists():
            raise ValidationError({"code": f"项目代码 {code} 已在项目库中。"})
        project = Project.objects.create(
            code=code,
            name=name,
            enterprise=enterprise,
            standard_land=bool(standard_land),
            created_by=actor,
            **fields,
            **_flags(flags or {}),
        )
        events.project_created(project, actor=actor)
    return project


def _checked_fields(
    *,
    project_type: str,
    permit_mode: str,
    investment: Any,
    lead_department: Organisation,
    division: Organisation | None,
) -> dict[str, Any]:
    if lead_department.kind != OrgKind.DEPARTMENT:
        raise ValidationError({"lead_department": "牵头单位必须是部门。"})
    if division is not None and division.kind != OrgKind.DIVISION:
        raise ValidationError({"division": "所在街道（镇）必须是行政区划。"})
    return {
        "project_type": _choice(project_type, ProjectType, "project_type", "项目类型"),
        "permit_mode": _choice(permit_mode, PermitMode, "permit_mode", "施工许可方式"),
        "investment": clean_investment(investment),
        "lead_department": lead_department,
        "division": division,
    }


def _flags(flags: Mapping[str, bool]) -> dict[str, bool]:
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise ValidationError({"flags": f"未知的改革举措：{'、'.join(sorted(unknown))}。"})
    return {name: bool(flags.get(name, False)) for name in FLAGS}


def update_project(
    project: Project,
    *,
    actor: Any,
    name: str,
    project_type: str,
    lead_department: Organisation,
    investment: Any,
    division: Organisation | None,
    standard_land: bool,
    permit_mode: str,
    flags: Mapping[str, bool],
) -> Project:
    require(selectors.may_manage(actor, project), actor, "update_project", project=project.pk)
    name = clean_text(name, "name", "项目名称", required=True, max_length=200)
    fields = _checked_fields(
        project_type=project_type,
        permit_mode=permit_mode,
        investment=investment,
        lead_department=lead_department,
        division=division,
    )
    require(selectors.may_lead(actor, lead_department), actor, "move_project", project=project.pk)
    with transaction.atomic():
        project = selectors.access_project(actor, project.pk, for_update=True)
        values = {"name": name, "standard_land": bool(standard_land), **fields, **_flags(flags)}
        if (
            project.permit_mode != values["permit_mode"]
            and project.links.filter(
                stage__in=[
                    Stage.PERMIT,
                    Stage.PERMIT_EARTHWORK,
                    Stage.PERMIT_PILING,
                    Stage.PERMIT_MAIN,
                ]
            ).exists()
        ):
            raise ValidationError({"permit_mode": "已关联施工许可办件，不能再改变施工许可方式。"})
        changed = [k for k, v in values.items() if getattr(project, k) != v]
        for key in changed:
            setattr(project, key, values[key])
        if changed:
            _save(project, *changed)
            events.project_updated(project, actor=actor, fields=changed)
        _refresh(project)
    return project


# --- the chain ---------------------------------------------------------------------


def link_matter(project: Project, *, stage: str, matter: Matter, actor: Any) -> ProjectMatter:
    """Count `matter` (办件) towards `stage` of the project's chain. The matter must be
    the owner enterprise's and not linked to any project yet."""
    allowed = selectors.may_manage(actor, project) or org_in_scope(
        actor, matter.department, *selectors.DEPARTMENT_ROLES
    )
    require(allowed, actor, "link_matter", project=project.pk, matter=matter.pk)
    if stage not in project.chain:
        names = "、".join(str(Stage(s).label) for s in project.chain)
        raise ValidationError({"stage": f"该项目的审批链只有以下阶段：{names}。"})
    if matter.enterprise_id != project.enterprise_id:
        raise ValidationError(
            {"matter": f"办件 {matter.number} 的申请单位不是项目业主，不能关联到本项目。"}
        )
    if matter.status in (MatterStatus.NOT_ACCEPTED, MatterStatus.WITHDRAWN):
        raise ValidationError({"matter": f"办件 {matter.number} 未受理或已撤回，不能关联。"})
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if ProjectMatter.objects.filter(matter=matter).exists():
            raise ValidationError({"matter": f"办件 {matter.number} 已关联到项目。"})
        link = ProjectMatter.objects.create(
            project=project, stage=stage, matter=matter, linked_by=actor
        )
        events.matter_linked(project, actor=actor, stage=stage, number=matter.number)
        _refresh(project)
    return link


def _refresh(project: Project) -> None:
    """Keep `project.stage` (the first unfinished stage); caller holds the row lock."""
    stages = figures.linked_matters([project.pk]).get(project.pk, {})
    after = figures.current_stage(project, stages)
    if after != project.stage:
        before, project.stage = project.stage, after
        _save(project, "stage")
        events.stage_finished(project, before=before, after=after)


def refresh_project_of_matter(matter_id: int) -> None:
    """A linked matter closed (catalog's matter-closed hook): move the project's stage.
    Safe to run twice."""
    link = ProjectMatter.objects.filter(matter_id=matter_id).first()
    if link is None:
        return
    with transaction.atomic():
        _refresh(Project.objects.select_for_update().get(pk=link.project_id))


# --- the weekly schedule (周调度) ---------------------------------------------------------


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _item_fields(
    *,
    next_step: Any,
    blocker: Any,
    owner_unit: Organisation,
    owner_person: User | None,
    due_on: dt.date,
) -> dict[str, Any]:
    if owner_unit.kind == OrgKind.WINDOW:
        raise ValidationError({"owner_unit": "责任单位应为部门或街道（镇）。"})
    if (
        owner_person is not None
        and not owner_person.memberships.filter(
            organisation__path__startswith=owner_unit.path
        ).exists()
    ):
        raise ValidationError(
            {"owner_person": f"{owner_person.display_name}不在{owner_unit.name}。"}
        )
    if not isinstance(due_on, dt.date) or not dt.date(2000, 1, 1) <= due_on <= dt.date(2100, 1, 1):
        raise ValidationError({"due_on": "完成时限无效。"})
    return {
        "next_step": clean_text(next_step, "next_step", "下一步工作", required=True),
        "blocker": clean_text(blocker, "blocker", "堵点问题", max_length=500),
        "owner_unit": owner_unit,
        "owner_person": owner_person,
        "due_on": due_on,
    }


def add_schedule_item(
    project: Project,
    *,
    actor: Any,
    next_step: str,
    owner_unit: Organisation,
    due_on: dt.date,
    blocker: str = "",
    owner_person: User | None = None,
    week: dt.date | None = None,
) -> ScheduleItem:
    """周调度: the project's next step with its blocker, owner and due date. The owner
    is told at once."""
    require(selectors.may_manage(actor, project), actor, "add_schedule", project=project.pk)
    fields = _item_fields(
        next_step=next_step,
        blocker=blocker,
        owner_unit=owner_unit,
        owner_person=owner_person,
        due_on=due_on,
    )
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        item = ScheduleItem.objects.create(
            project=project,
            week=monday_of(week or timezone.localdate()),
            created_by=actor,
            **fields,
        )
        events.schedule_added(item, actor=actor)
        _notify_assigned(item)
    return item


def update_schedule_item(
    item: ScheduleItem,
    *,
    actor: Any,
    next_step: str,
    owner_unit: Organisation,
    due_on: dt.date,
    blocker: str = "",
    owner_person: User | None = None,
) -> ScheduleItem:
    require(selectors.may_manage(actor, item.project), actor, "update_schedule", item=item.pk)
    fields = _item_fields(
        next_step=next_step,
        blocker=blocker,
        owner_unit=owner_unit,
        owner_person=owner_person,
        due_on=due_on,
    )
    with transaction.atomic():
        item = selectors.access_item(actor, item.pk, for_update=True)
        changed = [k for k, v in fields.items() if getattr(item, k) != v]
        reassigned = "owner_unit" in changed or "owner_person" in changed
        for key in changed:
            setattr(item, key, fields[key])
        if changed:
            _save(item, *changed)
            events.schedule_updated(item, actor=actor, fields=changed)
        if reassigned:
            _notify_assigned(item)
    return item


def move_schedule_item(
    item: ScheduleItem,
    *,
    actor: Any,
    action: str,
    result: str = "",
    done_on: dt.date | None = None,
) -> ScheduleItem:
    """完成 (with the day it was done), 取消 or 重新打开 an item."""
    require(selectors.may_update_item(actor, item), actor, f"schedule_{action}", item=item.pk)
    if action not in ("complete", "cancel", "reopen"):
        raise ValidationError({"action": "操作无效。"})
    result = clean_text(result, "result", "完成情况", max_length=500)
    today = timezone.localdate()
    if action == "complete":
        done_on = done_on or today
        if done_on > today:
            raise ValidationError({"done_on": "完成日期不能晚于今天。"})
    with transaction.atomic():
        item = selectors.access_item(actor, item.pk, for_update=True)
        step = check(action, item.status)
        before = item.status
        item.status = step.target
        item.done_on = done_on if action == "complete" else None
        if result:
            item.result = result
        _save(item, "status", "done_on", "result")
        events.schedule_moved(item, actor=actor, action=action, before=before, note=result)
    return item


def _item_url(item: ScheduleItem) -> str:
    return reverse("projects:project", args=[item.project_id]) + f"#item-{item.pk}"


def _owners(item: ScheduleItem) -> list[User]:
    if item.owner_person_id:
        return [item.owner_person] if item.owner_person else []
    from qinqing.accounts.models import Role
    from qinqing.accounts.permissions import users_with_role

    return list(users_with_role(Role.DEPT_HEAD, item.owner_unit)) or list(
        users_with_role(Role.HANDLER, item.owner_unit)
    )


def _notify_assigned(item: ScheduleItem) -> None:
    owners, pk = _owners(item), item.pk
    title = (
        f"项目调度事项交办：{item.project.name}——{item.next_step}，"
        f"请于{item.due_on:%Y年%m月%d日}前完成"
    )
    url = _item_url(item)
    key = f"project-assigned:{pk}:{item.owner_unit_id}:{item.owner_person_id or 0}"
    transaction.on_commit(
        lambda: notify(owners, kind="project_assigned", title=title, url=url, dedupe_key=key)
    )


def notify_overdue_items(today: dt.date | None = None) -> int:
    """The owners of open items past their due date are told once per item (a periodic
    task calls this; safe to run twice). Returns how many notifications were sent."""
    today = today or timezone.localdate()
    sent = 0
    overdue = ScheduleItem.objects.filter(status=ItemStatus.OPEN, due_on__lt=today).select_related(
        "project", "owner_unit", "owner_person"
    )
    for item in overdue:
        sent += len(
            notify(
                _owners(item),
                kind="project_overdue",
                title=f"项目调度事项已逾期：{item.project.name}——{item.next_step}"
                f"（时限{item.due_on:%Y年%m月%d日}）",
                url=_item_url(item),
                dedupe_key=f"project-overdue:{item.pk}:{item.due_on:%Y%m%d}",
            )
        )
    return sent


def escalate_blocker(
    item: ScheduleItem,
    *,
    actor: Any,
    requester_name: str = "",
    requester_phone: str = "",
) -> Appeal:
    """Register the item's blocker as an appeal (诉求) through the appeals intake
    service: channel 窗口 (ESCALATION_CHANNEL), the owner enterprise linked, its contact
    as the requester. Safe to call twice: the item keeps its one appeal."""
    from qinqing.appeals.services import register_appeal

    project = item.project
    require(selectors.may_escalate(actor, project), actor, "escalate", item=item.pk)
    if not item.blocker:
        raise ValidationError({"blocker": "该调度事项没有填写堵点问题，无需转为诉求。"})
    enterprise = project.enterprise
    with transaction.atomic():
        item = ScheduleItem.objects.select_for_update().get(pk=item.pk)
        if item.appeal_id is not None:
            return Appeal.objects.get(pk=item.appeal_id)
        appeal, _ = register_appeal(
            actor=actor,
            channel=ESCALATION_CHANNEL,
            title=f"项目堵点：{project.name}"[:200],
            description=(
                f"项目“{project.name}”（{project.code}）周调度堵点：{item.blocker}\n"
                f"下一步工作：{item.next_step}；责任单位：{item.owner_unit.name}；"
                f"完成时限：{item.due_on:%Y年%m月%d日}。"
            ),
            requester_name=clean_text(requester_name, "requester_name", "联系人", max_length=50)
            or enterprise.contact_name
            or enterprise.name[:50],
            requester_phone=clean_text(
                requester_phone, "requester_phone", "联系电话", max_length=30
            )
            or enterprise.contact_phone
            or project.lead_department.phone,
            enterprise=enterprise,
            idempotency_key=f"project-blocker-{item.pk}",
        )
        item.appeal = appeal
        _save(item, "appeal")
        events.blocker_escalated(item, actor=actor)
    return appeal
