"""Pages of 包联 and 走访 (thin: parse, check through selectors, call one service).
Stationing and activity pages are in `views_stationing.py` and `views_activities.py`."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinqing.accounts.permissions import ensure, enterprise_uscc
from qinqing.core.forms import apply_errors, errors_of
from qinqing.liaison import figures, imports, selectors, services
from qinqing.liaison.exports import xlsx_response
from qinqing.liaison.forms import (
    DifficultyForm,
    ImportForm,
    LiaisonForm,
    MilestoneForm,
    TeamForm,
    VisitForm,
)
from qinqing.liaison.models import Difficulty, Milestone, Stay, VisitPhoto
from qinqing.lib.masking import mask_phone


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def staff_required(request: HttpRequest) -> None:
    ensure(selectors.is_cadre(request.user), request, request.user, "liaison:staff_page")


def want_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if enterprise_uscc(request.user):
        return redirect("liaison:my_cadres")
    staff_required(request)
    today = timezone.localdate()
    user = request.user
    mine = selectors.liaisons_visible_to(user).filter(selectors.active_on(today), cadre=user)
    stays = Stay.objects.filter(cadre=user).select_related("enterprise", "round")
    own_ids = selectors.own_enterprise_ids(user)
    due = [r for r in figures.not_visited(user=user, days=30) if r["enterprise_id"] in own_ids]
    return render(
        request,
        "liaison/home.html",
        {
            "title": "包联服务",
            "liaisons": mine.select_related("enterprise"),
            "stays": stays,
            "due": due,
            "oversees": selectors.oversees(user),
            "officer": selectors.is_officer(user),
            "today": today,
        },
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The drill-down behind the cockpit panel: every figure links to its list."""
    ensure(selectors.oversees(request.user), request, request.user, "liaison:overview")
    pool = request.GET.get("pool") or "q:above_scale"
    summary = figures.cockpit_summary(request.user, pool=pool)
    return render(
        request,
        "liaison/overview.html",
        {"title": "包联驻企总览", "s": summary, "pools": figures.pool_choices(), "pool": pool},
    )


# --- assignments -----------------------------------------------------------------------
@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    officer = selectors.is_officer(request.user)
    form = LiaisonForm(request.POST or None) if officer else None
    if request.method == "POST":
        ensure(officer, request, request.user, "liaison:assign")
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                liaison = services.assign_liaison(
                    data["enterprise"],
                    actor=request.user,
                    role=data["role"],
                    cadre=data["cadre"],
                    organisation=data["organisation"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                who = liaison.cadre.display_name if liaison.cadre else str(liaison.organisation)
                messages.success(
                    request,
                    f"已指派{who}为{liaison.enterprise.name}的{liaison.get_role_display()}，"
                    f"自{zh_date(liaison.starts_on)}起",
                )
                return redirect("liaison:assignments")
    qs = selectors.liaisons_visible_to(request.user).select_related(
        "enterprise", "cadre", "organisation"
    )
    if want_xlsx(request):
        return xlsx_response(
            "liaisons",
            "包联关系",
            [
                "企业",
                "统一社会信用代码",
                "包联角色",
                "干部",
                "干部电话",
                "包联单位",
                "开始",
                "结束",
            ],
            (
                [
                    a.enterprise.name,
                    a.enterprise.uscc,
                    a.get_role_display(),
                    a.cadre.display_name if a.cadre else "",
                    mask_phone(a.cadre.phone) if a.cadre else "",
                    str(a.organisation or ""),
                    a.starts_on,
                    a.ends_on,
                ]
                for a in qs.iterator()
            ),
        )
    return render(
        request,
        "liaison/assignments.html",
        {
            "title": "包联关系",
            "liaisons": qs[:300],
            "form": form,
            "import_form": ImportForm(),
            "header": imports.HEADER,
        },
    )


@login_required
@require_POST
def assignments_import(request: HttpRequest) -> HttpResponse:
    ensure(selectors.is_officer(request.user), request, request.user, "liaison:import")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的 Excel 文件。")
        return redirect("liaison:assignments")
    try:
        created = imports.import_liaisons(form.cleaned_data["file"].read(), actor=request.user)
    except ValidationError as exc:
        for message in exc.message_dict.get("file", exc.messages)[:50]:
            messages.error(request, message)
        messages.error(request, "导入未执行：请修改以上各行后重新上传，所有行都正确才会写入。")
    else:
        messages.success(request, f"已导入 {len(created)} 条包联关系。")
    return redirect("liaison:assignments")


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    ensure(selectors.oversees(request.user), request, request.user, "liaison:coverage")
    pool = request.GET.get("pool") or "q:above_scale"
    result = figures.coverage(pool, user=request.user)
    if want_xlsx(request):
        return xlsx_response(
            "coverage",
            "无人包联企业",
            ["企业", "统一社会信用代码", "地址"],
            ([e.name, e.uscc, e.address] for e in result["uncovered"]),
        )
    labels = dict(figures.pool_choices())
    return render(
        request,
        "liaison/coverage.html",
        {
            "title": "包联覆盖",
            "r": result,
            "pools": figures.pool_choices(),
            "pool": pool,
            "pool_label": labels.get(pool, pool),
            "max_load": figures.MAX_LOAD,
        },
    )


# --- service teams -------------------------------------------------------------------------
@login_required
def teams(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    officer = selectors.is_officer(request.user)
    form = TeamForm(request.POST or None) if officer else None
    if request.method == "POST":
        ensure(officer, request, request.user, "liaison:team")
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            try:
                team = services.create_team(
                    d["enterprise"],
                    actor=request.user,
                    name=d["name"],
                    plan=d["plan"],
                    lead=d["lead"],
                    members=d["members"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已成立“{team.name}”，共 {team.members.count()} 名成员")
                return redirect("liaison:team", team.pk)
    qs = selectors.teams_visible_to(request.user).select_related("enterprise", "lead")
    if want_xlsx(request):
        return xlsx_response(
            "teams",
            "服务小组",
            ["小组", "企业", "组长", "成员数", "方案"],
            (
                [t.name, t.enterprise.name, t.lead.display_name, t.members.count(), t.plan]
                for t in qs
            ),
        )
    return render(
        request, "liaison/teams.html", {"title": "服务小组（一企一策）", "teams": qs, "form": form}
    )


@login_required
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.access_team(request.user, team_id)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST":
        if "done" in request.POST:
            milestone = get_object_or_404(Milestone, pk=request.POST.get("done"), team=team)
            services.complete_milestone(milestone, actor=request.user, on=timezone.localdate())
            messages.success(request, f"节点“{milestone.title}”已于今天完成")
            return redirect("liaison:team", team.pk)
        if form.is_valid():
            try:
                m = services.add_milestone(team, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已添加节点“{m.title}”，计划{zh_date(m.due_on)}完成")
                return redirect("liaison:team", team.pk)
    return render(
        request,
        "liaison/team.html",
        {"title": team.name, "team": team, "form": form, "today": timezone.localdate()},
    )


# --- visits --------------------------------------------------------------------------------
@login_required
def visits(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    qs = selectors.visits_visible_to(request.user).select_related("enterprise", "cadre")
    cadre = request.GET.get("cadre")
    enterprise = request.GET.get("enterprise")
    if cadre and cadre.isdigit():
        qs = qs.filter(cadre_id=int(cadre))
    if enterprise and enterprise.isdigit():
        qs = qs.filter(enterprise_id=int(enterprise))
    if want_xlsx(request):
        return xlsx_response(
            "visits",
            "走访记录",
            ["日期", "企业", "干部", "见面人员", "交流内容", "困难问题数"],
            (
                [
                    v.visited_on,
                    v.enterprise.name,
                    v.cadre.display_name,
                    v.people_met,
                    v.discussion,
                    v.difficulties.count(),
                ]
                for v in qs.iterator()
            ),
        )
    return render(
        request,
        "liaison/visits.html",
        {
            "title": "走访记录",
            "visits": qs[:200],
            "per_cadre": figures.visits_per_cadre(qs),
            "per_enterprise": figures.visits_per_enterprise(qs)[:50],
            "oversees": selectors.oversees(request.user),
        },
    )


@login_required
def visit_new(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    enterprises = selectors.enterprises_visible_to(request.user).order_by("name")
    chosen = request.GET.get("enterprise") or request.POST.get("enterprise")
    enterprise = enterprises.filter(pk=int(chosen)).first() if (chosen or "").isdigit() else None
    form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and enterprise is None:
        form.add_error(None, "请选择走访的企业。")
    elif request.method == "POST" and form.is_valid():
        try:
            visit = services.record_visit(
                enterprise,
                actor=request.user,
                photos=request.FILES.getlist("photos"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"已记录{zh_date(visit.visited_on)}对{enterprise.name}的走访"
                f"（照片 {visit.photos.count()} 张）",
            )
            return redirect("liaison:visit", visit.pk)
    return render(
        request,
        "liaison/visit_new.html",
        {
            "title": "记录走访",
            "form": form,
            "enterprise": enterprise,
            "enterprises": enterprises[:300],
            "policies": selectors.matched_items(enterprise) if enterprise else [],
        },
    )


@login_required
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.access_visit(request.user, visit_id)
    own = visit.cadre_id == request.user.pk
    return render(
        request,
        "liaison/visit.html",
        {
            "title": f"走访：{visit.enterprise.name}",
            "visit": visit,
            "own": own,
            "difficulties": visit.difficulties.select_related("appeal"),
            "policies": selectors.matched_items(visit.enterprise) if own else [],
            "pushed": set(visit.policypush_set.values_list("item_id", flat=True)),
            "form": DifficultyForm(),
        },
    )


@login_required
@require_POST
def visit_difficulty(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.access_visit(request.user, visit_id)
    form = DifficultyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for es in form.errors.values() for e in es))
        return redirect("liaison:visit", visit.pk)
    try:
        d = services.raise_difficulty(
            visit.enterprise, actor=request.user, visit=visit, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, difficulty_message(d))
    return redirect("liaison:visit", visit.pk)


def difficulty_message(d: Difficulty) -> str:
    if d.appeal_id and d.appeal:
        return f"已转为诉求 {d.appeal.number}，进入接诉即办流程"
    return "已记录困难问题，并通知受理员登记为诉求"


@login_required
@require_POST
def visit_push(request: HttpRequest, visit_id: int) -> HttpResponse:
    from qinqing.policies.models import PolicyItem

    visit = selectors.access_visit(request.user, visit_id)
    item = get_object_or_404(PolicyItem, pk=request.POST.get("item", 0) or 0)
    try:
        services.push_policy(visit.enterprise, item, actor=request.user, visit=visit)
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, f"已向{visit.enterprise.name}推送“{item.title}”")
    return redirect("liaison:visit", visit.pk)


@login_required
def photo(request: HttpRequest, token: str) -> HttpResponse:
    item = get_object_or_404(VisitPhoto, token=token)
    selectors.access_visit(request.user, item.visit_id)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=item.name, content_type=item.content_type)


@login_required
def not_visited(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    raw = request.GET.get("days", "30")
    days = min(max(int(raw), 1), 3650) if raw.isdigit() else 30
    rows = figures.not_visited(user=request.user, days=days)
    if want_xlsx(request):
        return xlsx_response(
            "not-visited",
            "未走访企业",
            ["企业", "最近走访", "距今天数"],
            ([r["name"], r["last"], r["days"]] for r in rows),
        )
    return render(
        request,
        "liaison/not_visited.html",
        {"title": f"超过 {days} 天未走访的企业", "rows": rows, "days": days},
    )


@login_required
def difficulties(request: HttpRequest) -> HttpResponse:
    staff_required(request)
    qs = selectors.difficulties_visible_to(request.user).select_related(
        "enterprise", "raised_by", "appeal"
    )
    if request.method == "POST":
        d = get_object_or_404(qs, pk=request.POST.get("difficulty", 0) or 0)
        try:
            d = services.register_difficulty(d, actor=request.user)
        except ValidationError as exc:
            messages.error(request, errors_of(exc))
        else:
            messages.success(request, difficulty_message(d))
        return redirect("liaison:difficulties")
    if want_xlsx(request):
        return xlsx_response(
            "difficulties",
            "困难问题",
            ["反映时间", "企业", "反映人", "问题", "涉及金额（万元）", "诉求编号", "诉求状态"],
            (
                [
                    timezone.localtime(d.created_at).strftime("%Y-%m-%d %H:%M"),
                    d.enterprise.name,
                    d.raised_by.display_name,
                    d.title,
                    d.money,
                    d.appeal.number if d.appeal else "",
                    status_label(d),
                ]
                for d in qs.iterator()
            ),
        )
    return render(
        request,
        "liaison/difficulties.html",
        {
            "title": "包联反映的困难问题",
            "rows": qs[:300],
            "can_register": services.is_intake_capable(request.user),
        },
    )


def status_label(d: Difficulty) -> str:
    from qinqing.appeals.transitions import STATUS_ZH

    if d.appeal is None:
        return "待受理"
    return STATUS_ZH.get(d.appeal.status, d.appeal.status)


def context_status(d: Difficulty) -> dict[str, Any]:
    return {"label": status_label(d), "closed": bool(d.appeal and d.appeal.status == "closed")}
