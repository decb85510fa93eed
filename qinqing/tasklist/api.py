"""The task list for other systems: indicators, tasks, progress reports, findings and the
monthly report. Access goes through the same selectors and services as the pages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from qinqing.accounts.permissions import ensure
from qinqing.tasklist import monthly, selectors, services
from qinqing.tasklist.models import Finding, Indicator, Report, Task, TaskStatus
from qinqing.tasklist.schemas import (
    FindingCreate,
    FindingRead,
    ListIndicatorRead,
    ListTaskCreate,
    ListTaskRead,
    MonthlyRead,
    ReportCreate,
    ReportRead,
    ReviewCreate,
    SubmissionCreate,
)

router = Router(tags=["tasklist"])
PAGE = 500


def _use(request: HttpRequest) -> None:
    ensure(selectors.may_use(request.user), request, request.user, "api:tasklist")


def _task_read(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk,
        "indicator_id": t.indicator_id,
        "indicator_name": t.indicator.name,
        "title": t.title,
        "lead_unit_id": t.lead_unit_id,
        "lead_unit_name": t.lead_unit.name,
        "unit_ids": [u.pk for u in t.units.all()],
        "due_on": t.due_on,
        "target_value": t.target_value,
        "target_unit": t.target_unit,
        "achieved_value": t.achieved_value,
        "cycle": t.cycle,
        "status": t.status,
        "overdue": t.status == TaskStatus.ACTIVE and t.due_at < timezone.now(),
        "completed_at": t.completed_at,
        "escalation_levels": sorted(e.step.level for e in t.escalations.all()),
        "plan": [
            {"month": p.month, "milestone": p.milestone, "planned_value": p.planned_value}
            for p in t.plan.all()
        ],
    }


def _finding_read(f: Finding) -> dict[str, Any]:
    return {
        "id": f.pk,
        "number": f.number,
        "source": f.source,
        "organisation_id": f.organisation_id,
        "organisation_name": f.organisation.name,
        "title": f.title,
        "found_on": f.found_on,
        "due_at": f.due_at,
        "status": f.status,
        "rectified_at": f.rectified_at,
        "rectified_on_time": f.rectified_on_time,
    }


def _report_read(r: Report) -> dict[str, Any]:
    return {
        "id": r.pk,
        "task_id": r.task_id,
        "period_start": r.period_start,
        "text": r.text,
        "achieved_value": r.achieved_value,
        "completes": r.completes,
        "unit_id": r.unit_id,
        "evidence": [e.name for e in r.evidence.all()],
        "task_status": Task.objects.values_list("status", flat=True).get(pk=r.task_id),
    }


def _tasks(request: HttpRequest) -> Any:
    return (
        selectors.tasks_visible_to(request.user)
        .select_related("indicator", "lead_unit")
        .prefetch_related("units", "plan", "escalations__step")
    )


@router.get("/indicators", response=list[ListIndicatorRead], summary="A year's indicators")
def list_indicators(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    _use(request)
    year = year or timezone.localdate().year
    visible = selectors.tasks_visible_to(request.user)
    now = timezone.now()
    rows = (
        selectors.indicators_visible_to(request.user)
        .filter(year=year)
        .select_related("lead_department")
        .annotate(
            n=Count(
                "tasks", filter=Q(tasks__in=visible) & ~Q(tasks__status="cancelled"), distinct=True
            ),
            d=Count("tasks", filter=Q(tasks__in=visible, tasks__status="done"), distinct=True),
            o=Count(
                "tasks",
                filter=Q(tasks__in=visible, tasks__status="active", tasks__due_at__lt=now),
                distinct=True,
            ),
        )
        .order_by("number", "pk")
    )
    return [
        {
            "id": i.pk,
            "year": i.year,
            "number": i.number,
            "name": i.name,
            "lead_department_id": i.lead_department_id,
            "lead_department_name": i.lead_department.name,
            "tasks": i.n,
            "done": i.d,
            "overdue": i.o,
        }
        for i in rows
    ]


@router.get("/tasks", response=list[ListTaskRead], summary="Tasks visible to me")
def list_tasks(
    request: HttpRequest, year: int | None = None, unit_id: int | None = None, status: str = ""
) -> list[dict[str, Any]]:
    _use(request)
    qs = _tasks(request)
    if year:
        qs = qs.filter(indicator__year=year)
    if unit_id:
        qs = qs.filter(Q(lead_unit_id=unit_id) | Q(units=unit_id)).distinct()
    if status == "overdue":
        qs = qs.filter(status=TaskStatus.ACTIVE, due_at__lt=timezone.now())
    elif status:
        qs = qs.filter(status=status)
    return [_task_read(t) for t in qs.order_by("due_on", "pk")[:PAGE]]


@router.get("/tasks/{task_id}", response=ListTaskRead, summary="One task")
def get_task(request: HttpRequest, task_id: int) -> dict[str, Any]:
    _use(request)
    return _task_read(get_object_or_404(_tasks(request), pk=task_id))


@router.post("/tasks", response={201: ListTaskRead}, summary="Put a task on the list (营商办)")
def create_task(request: HttpRequest, payload: ListTaskCreate) -> Status:
    ensure(selectors.manages(request.user), request, request.user, "api:tasklist:task_create")
    indicator = get_object_or_404(Indicator, pk=payload.indicator_id)
    units = {
        u.pk: u
        for u in selectors.unit_choices().filter(pk__in=[payload.lead_unit_id, *payload.unit_ids])
    }
    if payload.lead_unit_id not in units or any(i not in units for i in payload.unit_ids):
        raise ValidationError({"lead_unit_id": "找不到指定的单位。"})
    task = services.create_task(
        indicator,
        actor=request.user,
        title=payload.title,
        description=payload.description,
        lead_unit=units[payload.lead_unit_id],
        units=[units[i] for i in payload.unit_ids],
        due_on=payload.due_on,
        target_value=payload.target_value,
        target_unit=payload.target_unit,
        target_text=payload.target_text,
        cycle=payload.cycle,
        plan=[services.PlanLine(p.month, p.milestone, p.planned_value) for p in payload.plan],  # type: ignore[arg-type]
    )
    return Status(201, _task_read(get_object_or_404(_tasks(request), pk=task.pk)))


@router.post(
    "/tasks/{task_id}/reports",
    response={201: ReportRead},
    summary="Report progress (multipart: fields and evidence files)",
)
def create_report(
    request: HttpRequest,
    task_id: int,
    payload: Form[ReportCreate],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status:
    _use(request)
    task = selectors.access_task(request.user, task_id)
    report = services.report_progress(
        task,
        actor=request.user,
        text=payload.text,
        achieved_value=payload.achieved_value,
        files=files or [],
        complete=payload.complete,
    )
    return Status(201, _report_read(report))


@router.get("/findings", response=list[FindingRead], summary="Findings visible to me")
def list_findings(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    _use(request)
    qs = selectors.findings_visible_to(request.user).select_related("organisation")
    if status:
        qs = qs.filter(status=status)
    return [_finding_read(f) for f in qs[:PAGE]]


@router.post("/findings", response={201: FindingRead}, summary="Record a finding (营商办)")
def create_finding(request: HttpRequest, payload: FindingCreate) -> Status:
    ensure(selectors.manages(request.user), request, request.user, "api:tasklist:finding")
    org = get_object_or_404(selectors.unit_choices(), pk=payload.organisation_id)
    indicator = (
        get_object_or_404(Indicator, pk=payload.indicator_id) if payload.indicator_id else None
    )
    finding = services.record_finding(
        actor=request.user,
        source=payload.source,
        organisation=org,
        title=payload.title,
        detail=payload.detail,
        found_on=payload.found_on,
        limit_days=payload.limit_days,
        indicator=indicator,
    )
    return Status(201, _finding_read(finding))


@router.post(
    "/findings/{finding_id}/rectifications",
    response={201: FindingRead},
    summary="Submit the rectification (the unit)",
)
def submit_rectification(
    request: HttpRequest, finding_id: int, payload: SubmissionCreate
) -> Status:
    _use(request)
    finding = selectors.access_finding(request.user, finding_id)
    services.submit_rectification(finding, actor=request.user, text=payload.text)
    return Status(201, _finding_read(selectors.access_finding(request.user, finding_id)))


@router.post(
    "/findings/{finding_id}/review", response=FindingRead, summary="Accept or return (营商办)"
)
def review_rectification(
    request: HttpRequest, finding_id: int, payload: ReviewCreate
) -> dict[str, Any]:
    _use(request)
    finding = selectors.access_finding(request.user, finding_id)
    finding = services.review_rectification(
        finding, actor=request.user, accept=payload.accept, note=payload.note
    )
    return _finding_read(selectors.access_finding(request.user, finding.pk))


@router.get("/monthly", response=MonthlyRead, summary="The monthly report")
def monthly_report(request: HttpRequest, year: int, month: int) -> dict[str, Any]:
    _use(request)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError({"month": "年月无效。"})
    lines = []
    for block in monthly.build(request.user, year, month):
        for line in block.lines:
            t = line.task
            lines.append(
                {
                    "task_id": t.pk,
                    "indicator": block.indicator.name,
                    "task": t.title,
                    "lead_unit": t.lead_unit.name,
                    "due_on": t.due_on,
                    "target": f"{t.target_value.normalize():f} {t.target_unit}",
                    "achieved": line.achieved,
                    "progress": line.progress,
                    "plan": line.plan,
                    "reports": line.reports,
                    "state": line.state,
                    "escalation": line.escalation,
                    "comments": [*block.comments, *line.comments],
                }
            )
    return {"year": year, "month": month, "lines": lines}
