"""Pages of 政企活动: the list with per-series figures, one activity with its sign-ups,
attendance, outcomes and the appeals raised there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from qinqing.accounts.permissions import ensure, enterprise_uscc
from qinqing.core.forms import apply_errors, errors_of
from qinqing.enterprises.models import Enterprise
from qinqing.liaison import figures, selectors, services
from qinqing.liaison.exports import xlsx_response
from qinqing.liaison.forms import ActivityForm, DifficultyForm, OutcomeForm
from qinqing.liaison.models import Activity, ActivitySeries
from qinqing.liaison.views import (
    difficulty_message,
    status_label,
    want_xlsx,
    zh_date,
)


@login_required
def activities(request: HttpRequest) -> HttpResponse:
    officer = selectors.is_officer(request.user)
    form = ActivityForm(request.POST or None) if officer else None
    if request.method == "POST":
        ensure(officer, request, request.user, "liaison:activity")
        assert form is not None
        if form.is_valid():
            try:
                activity = services.create_activity(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"已发布“{activity.title}”（{zh_date(activity.held_on)}），"
                    f"已邀请 {activity.participants.count()} 家企业",
                )
                return redirect("liaison:activity", activity.pk)
    qs = selectors.activities_visible_to(request.user).select_related("series", "organiser")
    if want_xlsx(request):
        return xlsx_response(
            "activities",
            "政企活动",
            ["日期", "类型", "活动", "系列", "主办单位", "出席企业", "诉求"],
            (
                [
                    a.held_on,
                    a.get_kind_display(),
                    a.title,
                    a.series.name if a.series else "",
                    a.organiser.name,
                    a.participants.filter(attended=True).count(),
                    a.difficulties.filter(appeal__isnull=False).count(),
                ]
                for a in qs
            ),
        )
    series = [(s, figures.series_figures(s)) for s in ActivitySeries.objects.all()]
    return render(
        request,
        "liaison/activities.html",
        {
            "title": "政企活动",
            "activities": qs[:200],
            "series": series,
            "form": form,
            "outcomes": figures.outcome_figures(qs) if selectors.oversees(request.user) else None,
        },
    )


@login_required
def activity(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id)
    officer = selectors.is_officer(request.user)
    own = enterprise_uscc(request.user)
    participants = activity.participants.select_related("enterprise")
    if own:
        participants = participants.filter(enterprise__uscc=own)
    difficulties = activity.difficulties.select_related("enterprise", "appeal")
    if own:
        difficulties = difficulties.filter(enterprise__uscc=own)
    elif not officer and not selectors.oversees(request.user):
        difficulties = difficulties.none()
    return render(
        request,
        "liaison/activity.html",
        {
            "title": activity.title,
            "activity": activity,
            "officer": officer,
            "own": own,
            "participants": participants,
            "difficulties": [(d, status_label(d)) for d in difficulties],
            "outcomes": activity.outcomes.select_related("enterprise")
            if not own
            else activity.outcomes.filter(enterprise__uscc=own),
            "signed_up": bool(own) and participants.filter(signed_up_by__isnull=False).exists(),
            "outcome_form": OutcomeForm() if officer else None,
            "difficulty_form": DifficultyForm() if officer else None,
            "enterprises": Enterprise.objects.filter(
                pk__in=activity.participants.values("enterprise_id")
            ).order_by("name"),
        },
    )


@login_required
@require_POST
def activity_action(request: HttpRequest, activity_id: int, action: str) -> HttpResponse:
    activity = selectors.access_activity(request.user, activity_id)
    enterprise = None
    raw = request.POST.get("enterprise", "")
    if raw.isdigit():
        enterprise = get_object_or_404(Enterprise, pk=int(raw))
    try:
        if action == "signup":
            p = services.sign_up(activity, actor=request.user, enterprise=enterprise)
            message = f"{p.enterprise.name}已报名“{activity.title}”"
        elif action == "attend" and enterprise is not None:
            services.mark_attendance(
                activity,
                enterprise,
                actor=request.user,
                attended=request.POST.get("attended") != "0",
            )
            message = f"已登记{enterprise.name}出席"
        elif action == "outcome":
            form = OutcomeForm(request.POST)
            if not form.is_valid():
                raise ValidationError("；".join(e for es in form.errors.values() for e in es))
            d = form.cleaned_data
            o = services.record_outcome(
                activity,
                d["enterprise"],
                actor=request.user,
                kind=d["kind"],
                bank=d["bank"],
                amount=d["amount"],
                count=d["count"],
            )
            message = f"已记录{o.enterprise.name}的成果：{o.get_kind_display()}"
        elif action == "difficulty" and enterprise is not None:
            form = DifficultyForm(request.POST)
            if not form.is_valid():
                raise ValidationError("；".join(e for es in form.errors.values() for e in es))
            d = services.raise_difficulty(
                enterprise, actor=request.user, activity=activity, **form.cleaned_data
            )
            message = difficulty_message(d)
        else:
            raise ValidationError("请选择企业。")
    except ValidationError as exc:
        messages.error(request, errors_of(exc))
    else:
        messages.success(request, message)
    return redirect("liaison:activity", activity.pk)


@login_required
def series(request: HttpRequest, series_id: int) -> HttpResponse:
    item = get_object_or_404(ActivitySeries, pk=series_id)
    qs = Activity.objects.filter(series=item)
    return render(
        request,
        "liaison/series.html",
        {
            "title": item.name,
            "series": item,
            "f": figures.series_figures(item),
            "activities": qs,
            "outcomes": figures.outcome_figures(qs),
        },
    )
