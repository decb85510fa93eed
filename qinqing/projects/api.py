"""Projects (一链审批) for other systems: list, detail with the chain, the figures, and
周调度 items. Access goes through the same selectors and services as the pages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status

from qinqing.accounts.models import Organisation, User
from qinqing.accounts.permissions import ensure
from qinqing.projects import chain as chain_view
from qinqing.projects import figures, selectors, services
from qinqing.projects.models import ScheduleItem
from qinqing.projects.schemas import (
    ProjectDetail,
    ProjectFiguresRead,
    ProjectRead,
    ScheduleItemCreate,
    ScheduleItemRead,
    ScheduleItemUpdate,
)
from qinqing.projects.views import filter_pool

router = Router(tags=["projects"])
PAGE = 200


def _users(request: HttpRequest) -> None:
    ensure(selectors.may_use_projects(request.user), request, request.user, "api:projects")


def project_read(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "enterprise_uscc": p.enterprise.uscc,
        "enterprise_name": p.enterprise.name,
        "project_type": p.project_type,
        "standard_land": p.standard_land,
        "lead_department_id": p.lead_department_id,
        "lead_department": p.lead_department.name,
        "division_id": p.division_id,
        "investment": str(p.investment),
        "permit_mode": p.permit_mode,
        "flags": p.flags,
        "stage": p.stage,
        "stage_name": p.stage_name,
    }


def item_read(i: ScheduleItem) -> dict[str, Any]:
    appeal = i.appeal
    return {
        "id": i.pk,
        "project_id": i.project_id,
        "week": i.week,
        "next_step": i.next_step,
        "blocker": i.blocker,
        "owner_unit_id": i.owner_unit_id,
        "owner_unit": i.owner_unit.name,
        "owner_person_id": i.owner_person_id,
        "due_on": i.due_on,
        "status": i.status,
        "done_on": i.done_on,
        "overdue": i.is_overdue(timezone.localdate()),
        "appeal": {
            "id": appeal.pk,
            "number": appeal.number,
            "status": appeal.status,
            "status_label": appeal.get_status_display(),
        }
        if appeal
        else None,
    }


@router.get("/", response=list[ProjectRead], summary="Projects the caller may see")
def list_projects(
    request: HttpRequest,
    project_type: str = "",
    stage: str = "",
    flag: str = "",
    lead: int | None = None,
    q: str = "",
    offset: int = 0,
) -> list[dict[str, Any]]:
    _users(request)
    filters = {"project_type": project_type, "stage": stage, "flag": flag, "lead": lead, "q": q}
    rows = filter_pool(selectors.projects_visible_to(request.user), filters)
    rows = rows.select_related("enterprise", "lead_department").order_by("id")
    offset = max(0, offset)
    return [project_read(p) for p in rows[offset : offset + PAGE]]


@router.get("/figures", response=ProjectFiguresRead, summary="Days from 立项 to 施工许可, reforms")
def project_figures(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    _users(request)
    ensure(selectors.is_project_staff(request.user), request, request.user, "api:figures")
    this_year = timezone.localdate().year
    year = year or this_year
    if not 2000 <= year <= this_year + 1:
        raise ValidationError({"year": f"年份应在 2000 至 {this_year + 1} 之间。"})
    visible = selectors.projects_visible_to(request.user)
    return {
        "definition": figures.PERMIT_DAYS_DEFINITION,
        "permit_days": [
            {"year": r.year, "project_type": r.project_type, "label": r.label, **vars(r.summary)}
            for r in figures.permit_summary(visible, [year])
        ],
        "flags": [
            {"flag": name, "label": label, "projects": n}
            for name, label, n in figures.flag_counts(visible)
        ],
    }


@router.get("/{project_id}", response=ProjectDetail, summary="A project with its chain")
def project_detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    _users(request)
    project = selectors.access_project(request.user, project_id, request=request)
    context = chain_view.context(project)
    days, permit_at = context["permit_days"], context["permit_at"]
    return {
        **project_read(project),
        "chain": [
            {
                "stage": r.stage,
                "name": r.name,
                "start": r.span.start,
                "finish": r.span.finish,
                "days": r.days,
                "government_days": r.government,
                "matters": [
                    {
                        "id": lm.matter.pk,
                        "number": lm.matter.number,
                        "item": lm.matter.item.name,
                        "department": lm.matter.department.name,
                        "status": lm.matter.status,
                        "submitted_at": lm.matter.submitted_at,
                        "accepted_at": lm.matter.accepted_at,
                        "decided_at": lm.matter.decided_at,
                        "correction_count": lm.matter.correction_count,
                    }
                    for lm in r.matters
                ],
            }
            for r in context["rows"]
        ],
        "permit_days": {
            "total": days[0],
            "government": days[1],
            "applicant": days[2],
            "permit_at": permit_at,
        }
        if days
        else None,
        "schedule": [
            item_read(i)
            for i in project.schedule.select_related("owner_unit", "appeal").order_by("due_on")
        ],
    }


def _unit(unit_id: int) -> Organisation:
    unit = Organisation.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise ValidationError({"owner_unit_id": f"责任单位 {unit_id} 不存在。"})
    return unit


def _person(person_id: int | None) -> User | None:
    if person_id is None:
        return None
    person = User.objects.filter(pk=person_id, is_active=True, uscc="").first()
    if person is None:
        raise ValidationError({"owner_person_id": f"责任人 {person_id} 不存在。"})
    return person


@router.post(
    "/{project_id}/schedule",
    response={201: ScheduleItemRead},
    summary="Add a 周调度 item to a project",
)
def create_item(
    request: HttpRequest, project_id: int, payload: ScheduleItemCreate
) -> Status[dict[str, Any]]:
    _users(request)
    project = selectors.access_project(request.user, project_id, request=request)
    item = services.add_schedule_item(
        project,
        actor=request.user,
        next_step=payload.next_step,
        blocker=payload.blocker,
        owner_unit=_unit(payload.owner_unit_id),
        owner_person=_person(payload.owner_person_id),
        due_on=payload.due_on,
        week=payload.week,
    )
    return Status(201, item_read(item))


@router.patch("/schedule/{item_id}", response=ScheduleItemRead, summary="Change a 周调度 item")
def update_item(request: HttpRequest, item_id: int, payload: ScheduleItemUpdate) -> dict[str, Any]:
    _users(request)
    item = selectors.access_item(request.user, item_id, request=request)
    fields = payload.dict(exclude_unset=True)
    if {"next_step", "blocker", "owner_unit_id", "owner_person_id", "due_on"} & set(fields):
        item = services.update_schedule_item(
            item,
            actor=request.user,
            next_step=fields.get("next_step", item.next_step),
            blocker=fields.get("blocker", item.blocker),
            owner_unit=_unit(fields["owner_unit_id"])
            if fields.get("owner_unit_id")
            else item.owner_unit,
            owner_person=_person(fields["owner_person_id"])
            if "owner_person_id" in fields
            else item.owner_person,
            due_on=fields.get("due_on") or item.due_on,
        )
    if payload.action:
        item = services.move_schedule_item(
            item,
            actor=request.user,
            action=payload.action,
            result=payload.result,
            done_on=payload.done_on,
        )
    item = get_object_or_404(
        ScheduleItem.objects.select_related("owner_unit", "appeal"), pk=item.pk
    )
    return item_read(item)
