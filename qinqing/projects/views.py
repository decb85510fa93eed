"""Pages of the project pool, a project's chain and schedule, and the chain's figures
(thin: parse, check through selectors, call one service)."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Organisation
from qinqing.accounts.permissions import ensure, enterprise_uscc
from qinqing.appeals.selectors import appeals_visible_to
from qinqing.catalog.models import Matter
from qinqing.catalog.selectors import matters_visible_to
from qinqing.core.forms import apply_errors, errors_of
from qinqing.enterprises.models import Enterprise
from qinqing.projects import chain as chain_view
from qinqing.projects import figures, selectors, services
from qinqing.projects.forms import (
    LinkMatterForm,
    MoveItemForm,
    PoolFilter,
    ProjectForm,
    ScheduleItemForm,
)
from qinqing.projects.models import FLAGS, STAGE_NAMES, ItemStatus, Project


def _users(request: HttpRequest) -> None:
    ensure(selectors.may_use_projects(request.user), request, request.user, "projects:view_pages")


def _staff(request: HttpRequest) -> None:
    ensure(selectors.is_project_staff(request.user), request, request.user, "projects:staff")


def _week(request: HttpRequest) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return services.monday_of(day)


def filter_pool(qs: QuerySet[Project], data: dict[str, Any]) -> QuerySet[Project]:
    if data.get("q"):
        qs = qs.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
    if data.get("project_type"):
        qs = qs.filter(project_type=data["project_type"])
    if data.get("stage"):
        qs = qs.filter(stage=data["stage"])
    if data.get("flag") in FLAGS:
        qs = qs.filter(**{data["flag"]: True})
    if data.get("lead"):
        qs = qs.filter(lead_department=data["lead"])
    return qs


def stage_strip(visible: QuerySet[Project]) -> list[tuple[str, str, int]]:
    """(stage, name, projects now in it) for the stages that have any."""
    counts = figures.stage_counts(visible)
    return [(k, name, counts[k]) for k, name in STAGE_NAMES.items() if counts.get(k)]


@login_required
def pool(request: HttpRequest) -> HttpResponse:
    """项目库 with the week's 周调度 board."""
    _users(request)
    user, today = request.user, timezone.localdate()
    visible = selectors.projects_visible_to(user)
    filters = PoolFilter(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    projects = (
        filter_pool(visible, data)
        .select_related("enterprise", "lead_department", "division")
        .annotate(
            open_items=Count("schedule", filter=Q(schedule__status=ItemStatus.OPEN)),
            overdue_items=Count(
                "schedule",
                filter=Q(schedule__status=ItemStatus.OPEN, schedule__due_on__lt=today),
            ),
        )
        .order_by("stage", "-investment")
    )
    week = _week(request)
    board = (
        selectors.schedule_visible_to(user)
        .filter(Q(week=week) | Q(status=ItemStatus.OPEN, due_on__lt=week + dt.timedelta(days=7)))
        .exclude(status=ItemStatus.CANCELLED)
        .select_related("project", "owner_unit", "owner_person", "appeal")
        .order_by("status", "due_on")
    )
    staff = selectors.is_project_staff(user)
    board_rows = list(board[:200]) if staff else []
    appeal_ids = [i.appeal_id for i in board_rows if i.appeal_id]
    return render(
        request,
        "projects/pool.html",
        {
            "title": "项目库" if staff else "我的项目",
            "projects": projects[:300],
            "count": projects.count(),
            "filters": filters,
            "board": board_rows,
            "visible_appeals": set(
                appeals_visible_to(user).filter(pk__in=appeal_ids).values_list("pk", flat=True)
            ),
            "week": week,
            "week_end": week + dt.timedelta(days=6),
            "prev_week": week - dt.timedelta(days=7),
            "next_week": week + dt.timedelta(days=7),
            "today": today,
            "staff": staff,
            "may_create": staff and (selectors.oversees(user) or selectors.department_ids(user)),
            "stage_strip": stage_strip(visible),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return pool(request)


@login_required
def project(request: HttpRequest, project_id: int) -> HttpResponse:
    _users(request)
    user = request.user
    item = selectors.access_project(user, project_id, request=request)
    manage = selectors.may_manage(user, item)
    schedule = list(
        item.schedule.select_related("owner_unit", "owner_person", "appeal").order_by(
            "-week", "due_on"
        )
    )
    context = chain_view.context(item)
    matter_ids = [lm.matter.pk for row in context["rows"] for lm in row.matters]
    appeal_ids = [i.appeal_id for i in schedule if i.appeal_id]
    context["visible_matters"] = set(
        matters_visible_to(user).filter(pk__in=matter_ids).values_list("pk", flat=True)
    )
    context["visible_appeals"] = set(
        appeals_visible_to(user).filter(pk__in=appeal_ids).values_list("pk", flat=True)
    )
    return render(
        request,
        "projects/project.html",
        {
            "title": item.name,
            "project": item,
            **context,
            "schedule": schedule,
            "updatable": {i.pk for i in schedule if selectors.may_update_item(user, i)},
            "manage": manage,
            "escalate": selectors.may_escalate(user, item),
            "staff": selectors.is_project_staff(user),
            "link_form": LinkMatterForm(chain=item.chain) if manage else None,
            "item_form": ScheduleItemForm(initial={"owner_unit": item.lead_department})
            if manage
            else None,
            "events": item.events.select_related("actor").order_by("-at", "-id")[:50],
            "today": timezone.localdate(),
            "own_enterprise": enterprise_uscc(user) is not None,
        },
    )


def _project_args(form: ProjectForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "project_type": data["project_type"],
        "lead_department": data["lead_department"],
        "investment": data["investment"],
        "division": data["division"],
        "standard_land": data["standard_land"],
        "permit_mode": data["permit_mode"],
        "flags": form.flags(),
    }


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        uscc = form.cleaned_data["enterprise_uscc"].strip().upper()
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            form.add_error("enterprise_uscc", f"企业库中没有统一社会信用代码为 {uscc} 的企业。")
        else:
            try:
                created = services.create_project(
                    actor=request.user,
                    code=form.cleaned_data["code"],
                    enterprise=enterprise,
                    **_project_args(form),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"项目“{created.name}”已入库。")
                return redirect("projects:project", created.pk)
    return render(request, "projects/form.html", {"title": "项目入库", "form": form})


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    _staff(request)
    item = selectors.access_project(request.user, project_id, request=request)
    ensure(selectors.may_manage(request.user, item), request, request.user, "projects:edit")
    initial = {
        "code": item.code,
        "name": item.name,
        "enterprise_uscc": item.enterprise.uscc,
        "project_type": item.project_type,
        "lead_department": item.lead_department,
        "division": item.division,
        "investment": item.investment,
        "permit_mode": item.permit_mode,
        "standard_land": item.standard_land,
        **{name: getattr(item, name) for name in FLAGS},
    }
    form = ProjectForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = form.fields["enterprise_uscc"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(item, actor=request.user, **_project_args(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "项目信息已保存。")
            return redirect("projects:project", item.pk)
    return render(request, "projects/form.html", {"title": f"修改项目：{item.name}", "form": form})


@login_required
@require_POST
def link_matter(request: HttpRequest, project_id: int) -> HttpResponse:
    _staff(request)
    item = selectors.access_project(request.user, project_id, request=request)
    form = LinkMatterForm(request.POST, chain=item.chain)
    if not form.is_valid():
        messages.error(request, "请选择审批阶段并填写办件编号。")
        return redirect("projects:project", item.pk)
    number = form.cleaned_data["number"].strip()
    matter = Matter.objects.filter(number=number).first()
    if matter is None:
        messages.error(request, f"没有编号为 {number} 的办件。")
        return redirect("projects:project", item.pk)
    try:
        services.link_matter(
            item, stage=form.cleaned_data["stage"], matter=matter, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, f"办件 {number} 已关联。")
    return redirect("projects:project", item.pk)


def _item_args(form: ScheduleItemForm) -> dict[str, Any]:
    return {k: form.cleaned_data[k] for k in ("next_step", "blocker", "owner_unit", "due_on")} | {
        "owner_person": form.cleaned_data.get("owner_person")
    }


@login_required
def schedule_new(request: HttpRequest, project_id: int) -> HttpResponse:
    _staff(request)
    item = selectors.access_project(request.user, project_id, request=request)
    form = ScheduleItemForm(request.POST or None, initial={"owner_unit": item.lead_department})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_schedule_item(item, actor=request.user, **_item_args(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "调度事项已交办，责任人已收到通知。")
            return redirect("projects:project", item.pk)
    return render(
        request,
        "projects/form.html",
        {"title": f"新增调度事项：{item.name}", "form": form, "back": item},
    )


@login_required
def schedule_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    _staff(request)
    row = selectors.access_item(request.user, item_id, request=request)
    ensure(selectors.may_manage(request.user, row.project), request, request.user, "projects:edit")
    initial = {k: getattr(row, k) for k in ("next_step", "blocker", "owner_unit", "due_on")}
    form = ScheduleItemForm(
        request.POST or None, initial=initial | {"owner_person": row.owner_person}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_schedule_item(row, actor=request.user, **_item_args(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "调度事项已保存。")
            return redirect("projects:project", row.project_id)
    return render(
        request,
        "projects/form.html",
        {"title": f"修改调度事项：{row.project.name}", "form": form, "back": row.project},
    )


@login_required
@require_POST
def schedule_move(request: HttpRequest, item_id: int) -> HttpResponse:
    _staff(request)
    row = selectors.access_item(request.user, item_id, request=request)
    form = MoveItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_of(ValidationError(form.errors)))
    else:
        try:
            services.move_schedule_item(row, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, errors_of(exc))
        else:
            messages.success(request, "调度事项已更新。")
    return redirect(request.POST.get("next") or f"/projects/{row.project_id}/#item-{row.pk}")


@login_required
@require_POST
def schedule_escalate(request: HttpRequest, item_id: int) -> HttpResponse:
    _staff(request)
    row = selectors.access_item(request.user, item_id, request=request)
    try:
        appeal = services.escalate_blocker(row, actor=request.user)
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, f"堵点已登记为诉求 {appeal.number}，按诉求流程派单办理。")
    return redirect("projects:project", row.project_id)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    """调度事项 by unit and period: the drill-down of 项目周调度事项按期完成率."""
    _staff(request)
    today = timezone.localdate()
    first = _date(request.GET.get("from")) or today.replace(day=1)
    last = _date(request.GET.get("to")) or today
    rows = figures.items_due(selectors.schedule_visible_to(request.user), first, last)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = get_object_or_404(Organisation, pk=int(request.GET["unit"]))
        rows = rows.filter(owner_unit=unit)
    rows = rows.select_related("project", "owner_unit", "owner_person", "appeal").order_by(
        "due_on", "id"
    )
    listed = list(rows[:500])
    on_time = sum(1 for r in listed if r.on_time)
    return render(
        request,
        "projects/schedule.html",
        {
            "title": "项目周调度事项",
            "rows": listed,
            "unit": unit,
            "first": first,
            "last": last,
            "on_time": on_time,
            "rate": (on_time / len(listed)) if listed else None,
            "today": today,
        },
    )


def per_project(visible: QuerySet[Project]) -> list[dict[str, Any]]:
    found = figures.permit_days_of(visible)
    names = dict(visible.filter(pk__in=[r.project_id for r in found]).values_list("pk", "name"))
    rows = []
    for r in sorted(found, key=lambda r: (-r.year, r.days.total)):
        total, government, applicant = r.days.rounded
        rows.append(
            {
                "project_id": r.project_id,
                "name": names.get(r.project_id, ""),
                "year": r.year,
                "total": total,
                "government": government,
                "applicant": applicant,
            }
        )
    return rows


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    _staff(request)
    visible = selectors.projects_visible_to(request.user)
    this_year = timezone.localdate().year
    years = [this_year, this_year - 1]
    rows = figures.permit_summary(visible, years)
    return render(
        request,
        "projects/figures.html",
        {
            "title": "一链审批用时",
            "rows": rows,
            "headline": rows[0].summary,
            "this_year": this_year,
            "years": years,
            "flags": figures.flag_counts(visible),
            "definition": figures.PERMIT_DAYS_DEFINITION,
            "stage_strip": stage_strip(visible),
            "per_project": per_project(visible),
        },
    )
