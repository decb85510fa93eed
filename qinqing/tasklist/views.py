"""Pages of the task list (thin: parse, check through selectors, call one service).
Findings are in `views_findings.py`."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Organisation
from qinqing.accounts.permissions import ensure
from qinqing.core.forms import apply_errors
from qinqing.lib.excel import xlsx_bytes
from qinqing.tasklist import events, imports, monthly, selectors, services
from qinqing.tasklist.clocks import clock_words
from qinqing.tasklist.figures import due_between
from qinqing.tasklist.forms import CancelForm, CommentForm, ImportForm, ReportForm, TaskForm
from qinqing.tasklist.models import Indicator, Task, TaskStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 50


# --- helpers -------------------------------------------------------------------------


def use_required(request: HttpRequest) -> None:
    ensure(selectors.may_use(request.user), request, request.user, "tasklist:page")


def manager_required(request: HttpRequest, action: str) -> None:
    ensure(selectors.manages(request.user), request, request.user, f"tasklist:{action}")


def int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    return min(max(int(raw), low), high) if raw.isdigit() and len(raw) < 6 else default


def date_param(request: HttpRequest, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get(name, "")[:10])
    except ValueError:
        return None


def year_of(request: HttpRequest) -> int:
    return int_param(request, "year", timezone.localdate().year, 2000, 2100)


def download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def annotate_progress(tasks: QuerySet[Task]) -> dict[str, int]:
    now = timezone.now()
    return tasks.aggregate(
        total=Count("pk", filter=~Q(status=TaskStatus.CANCELLED)),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        on_time=Count("pk", filter=Q(status=TaskStatus.DONE, completed_at__lte=F("due_at"))),
        overdue=Count("pk", filter=Q(status=TaskStatus.ACTIVE, due_at__lt=now)),
    )


# --- the year's indicators -------------------------------------------------------------
@login_required
def home(request: HttpRequest) -> HttpResponse:
    use_required(request)
    year = year_of(request)
    user = request.user
    visible = selectors.tasks_visible_to(user).filter(indicator__year=year)
    now = timezone.now()
    indicators = (
        selectors.indicators_visible_to(user)
        .filter(year=year)
        .select_related("lead_department")
        .annotate(
            total=Count(
                "tasks", filter=Q(tasks__in=visible) & ~Q(tasks__status="cancelled"), distinct=True
            ),
            done=Count("tasks", filter=Q(tasks__in=visible, tasks__status="done"), distinct=True),
            overdue=Count(
                "tasks",
                filter=Q(tasks__in=visible, tasks__status="active", tasks__due_at__lt=now),
                distinct=True,
            ),
        )
        .order_by("number")
    )
    return render(
        request,
        "tasklist/home.html",
        {
            "title": f"{year}年营商环境指标与任务",
            "year": year,
            "indicators": indicators,
            "totals": annotate_progress(visible),
            "manages": selectors.manages(user),
        },
    )


@login_required
def indicator(request: HttpRequest, indicator_id: int) -> HttpResponse:
    use_required(request)
    item = selectors.access_indicator(request.user, indicator_id)
    tasks = (
        selectors.tasks_visible_to(request.user)
        .filter(indicator=item)
        .select_related("lead_unit")
        .order_by("due_on", "pk")
    )
    may_comment = selectors.may_comment(request.user)
    form = CommentForm(request.POST or None) if may_comment else None
    if request.method == "POST":
        ensure(may_comment, request, request.user, "tasklist:comment")
        assert form is not None
        if form.is_valid():
            try:
                services.add_comment(
                    actor=request.user,
                    indicator=item,
                    year=item.year,
                    month=form.cleaned_data["month"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "讲评已发布，已通知指标牵头部门。")
                return redirect("tasklist:indicator", item.pk)
    return render(
        request,
        "tasklist/indicator.html",
        {
            "title": item.name,
            "indicator": item,
            "tasks": tasks,
            "now": timezone.now(),
            "comments": selectors.comments_for(indicator=item).filter(task__isnull=True),
            "form": form,
        },
    )


@login_required
def indicators_setup(request: HttpRequest) -> HttpResponse:
    """营商办 sets up the year's standard indicators and their lead departments."""
    manager_required(request, "indicator_create")
    year = year_of(request)
    units = list(selectors.unit_choices().order_by("path"))
    by_pk = {u.pk: u for u in units}
    current = {
        i.name: i.lead_department_id
        for i in Indicator.objects.filter(year__in=[year - 1, year]).order_by("year")
    }
    if request.method == "POST":
        leads = {
            name: by_pk[int(raw)]
            for n, name in enumerate(services.STANDARD_INDICATORS)
            if (raw := request.POST.get(f"lead-{n}", "")).isdigit() and int(raw) in by_pk
        }
        try:
            created = services.set_up_indicators(actor=request.user, year=year, leads=leads)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已设置 {len(created)} 项指标。")
            return redirect(f"{reverse('tasklist:home')}?year={year}")
    existing = set(Indicator.objects.filter(year=year).values_list("name", flat=True))
    rows = [
        {"n": n, "name": name, "lead": current.get(name), "exists": name in existing}
        for n, name in enumerate(services.STANDARD_INDICATORS)
    ]
    return render(
        request,
        "tasklist/indicators_setup.html",
        {"title": f"设置{year}年指标", "year": year, "rows": rows, "units": units},
    )


# --- task lists ------------------------------------------------------------------------
def filtered_tasks(
    request: HttpRequest, base: QuerySet[Task]
) -> tuple[QuerySet[Task], dict[str, Any]]:
    tasks = base.select_related("indicator", "lead_unit")
    params: dict[str, Any] = {}
    year = request.GET.get("year", "")
    if year.isdigit() and len(year) == 4:
        tasks = tasks.filter(indicator__year=int(year))
        params["year"] = year
    unit = request.GET.get("unit", "")
    if unit.isdigit() and len(unit) < 10:
        tasks = tasks.filter(Q(lead_unit_id=int(unit)) | Q(units=int(unit))).distinct()
        params["unit"] = Organisation.objects.filter(pk=int(unit)).first()
    due_from, due_to = date_param(request, "due_from"), date_param(request, "due_to")
    if due_from or due_to:
        tasks = tasks.filter(due_between("due_at", due_from, due_to)).exclude(
            status=TaskStatus.CANCELLED
        )
        params["due_from"], params["due_to"] = due_from, due_to
    status = request.GET.get("status", "")
    now = timezone.now()
    if status == "overdue":
        tasks = tasks.filter(status=TaskStatus.ACTIVE, due_at__lt=now)
    elif status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    params["status"] = status
    indicator_id = request.GET.get("indicator", "")
    if indicator_id.isdigit() and len(indicator_id) < 10:
        tasks = tasks.filter(indicator_id=int(indicator_id))
    return tasks.order_by("due_on", "pk"), params


def _task_list(request: HttpRequest, base: QuerySet[Task], title: str, mine: bool) -> HttpResponse:
    tasks, params = filtered_tasks(request, base)
    page = Paginator(tasks, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tasklist/tasks.html",
        {
            "title": title,
            "page": page,
            "params": params,
            "now": timezone.now(),
            "mine": mine,
            "query": query.urlencode(),
            "status_choices": [
                ("", "全部"),
                ("active", "推进中"),
                ("overdue", "已超期"),
                ("done", "已完成"),
                ("cancelled", "已撤销"),
            ],
        },
    )


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    use_required(request)
    return _task_list(request, selectors.tasks_visible_to(request.user), "营商环境任务", False)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    use_required(request)
    ids = selectors.unit_ids(request.user)
    base = selectors.tasks_visible_to(request.user).filter(selectors.responsible_condition(ids))
    return _task_list(request, base.distinct(), "我的任务", True)


# --- one task --------------------------------------------------------------------------
@login_required
def task(request: HttpRequest, task_id: int) -> HttpResponse:
    use_required(request)
    item = selectors.access_task(request.user, task_id)
    user = request.user
    reports = item.reports.select_related("reported_by", "unit").prefetch_related("evidence")
    return render(
        request,
        "tasklist/task.html",
        {
            "title": item.title,
            "task": item,
            "units": selectors.responsible_units(item),
            "plan": item.plan.all(),
            "reports": reports,
            "comments": selectors.comments_for(task=item),
            "escalations": item.escalations.select_related("step"),
            "timeline": events.timeline(f"task:{item.pk}"),
            "responsible": selectors.is_responsible(user, item),
            "manages": selectors.manages(user),
            "comment_form": CommentForm() if selectors.may_comment(user) else None,
            "cancel_form": CancelForm() if selectors.manages(user) else None,
            "now": timezone.now(),
            "clock": clock_words(item.due_at, timezone.now())
            if item.status == TaskStatus.ACTIVE
            else "",
            "this_month": timezone.localdate().month,
        },
    )


@login_required
def task_report(request: HttpRequest, task_id: int) -> HttpResponse:
    use_required(request)
    item = selectors.access_task(request.user, task_id)
    ensure(selectors.is_responsible(request.user, item), request, request.user, "tasklist:report")
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_progress(
                item,
                actor=request.user,
                text=data["text"],
                achieved_value=data["achieved_value"],
                files=data["files"],
                complete=data["complete"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "任务已报送完成。" if data["complete"] else "进展已报送。")
            return redirect("tasklist:task", item.pk)
    plan = item.plan.filter(month=timezone.localdate().month).first()
    return render(
        request,
        "tasklist/report.html",
        {"title": f"报送进展：{item.title}", "task": item, "form": form, "plan": plan},
    )


@login_required
@require_POST
def task_comment(request: HttpRequest, task_id: int) -> HttpResponse:
    use_required(request)
    item = selectors.access_task(request.user, task_id)
    ensure(selectors.may_comment(request.user), request, request.user, "tasklist:comment")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(
                actor=request.user,
                task=item,
                year=item.indicator.year,
                month=form.cleaned_data["month"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "讲评已发布，已通知责任单位。")
    else:
        messages.error(request, "请填写讲评内容。")
    return redirect("tasklist:task", item.pk)


@login_required
@require_POST
def task_cancel(request: HttpRequest, task_id: int) -> HttpResponse:
    use_required(request)
    item = selectors.access_task(request.user, task_id)
    manager_required(request, "cancel")
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_task(item, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "任务已撤销。")
    else:
        messages.error(request, "请填写撤销理由。")
    return redirect("tasklist:task", item.pk)


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    manager_required(request, "task_create")
    year = year_of(request)
    form = TaskForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.create_task(
                data["indicator"],
                actor=request.user,
                title=data["title"],
                description=data["description"],
                lead_unit=data["lead_unit"],
                units=list(data["units"]),
                due_on=data["due_on"],
                target_value=data["target_value"],
                target_unit=data["target_unit"],
                target_text=data["target_text"],
                cycle=data["cycle"],
                plan=data["plan"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "任务已下达，已通知责任单位。")
            return redirect("tasklist:task", item.pk)
    return render(
        request, "tasklist/task_new.html", {"title": "下达任务", "form": form, "year": year}
    )


@login_required
def evidence(request: HttpRequest, token: str) -> FileResponse:
    use_required(request)
    item = selectors.access_evidence(request.user, token)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=item.name, content_type=item.content_type)


# --- import and the monthly report ----------------------------------------------------
@login_required
def import_tasks(request: HttpRequest) -> HttpResponse:
    manager_required(request, "import")
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"year": year_of(request)}
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = imports.import_tasks(
                upload.read(), actor=request.user, year=form.cleaned_data["year"]
            )
        except ValidationError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
        else:
            messages.success(request, f"已导入 {len(created)} 项任务，并通知了责任单位。")
            return redirect(f"{reverse('tasklist:home')}?year={form.cleaned_data['year']}")
    return render(
        request,
        "tasklist/import.html",
        {"title": "导入任务清单", "form": form, "errors": errors, "columns": imports.HEADER},
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    manager_required(request, "import")
    year = year_of(request)
    return download(imports.template_bytes(year), f"tasklist-template-{year}")


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    use_required(request)
    today = timezone.localdate()
    year = year_of(request)
    month = int_param(request, "month", today.month if year == today.year else 12, 1, 12)
    blocks = monthly.build(request.user, year, month)
    if request.GET.get("format") == "xlsx":
        data = xlsx_bytes(f"{year}年{month}月", monthly.HEADER, monthly.rows(blocks))
        return download(data, f"tasklist-{year}-{month:02d}")
    return render(
        request,
        "tasklist/monthly.html",
        {
            "title": f"{year}年{month}月营商环境任务推进情况",
            "year": year,
            "month": month,
            "months": range(1, 13),
            "blocks": blocks,
            "printing": request.GET.get("format") == "print",
            "generated": timezone.localtime(),
        },
    )
