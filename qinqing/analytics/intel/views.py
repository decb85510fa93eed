"""Intelligence pages: likely duplicates of an appeal, hot spots, monthly topics (每月一题)
and seasonal warnings. Thin: access through the selectors, writes through the services."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Organisation, OrgKind, Role
from qinqing.accounts.permissions import deny, role_required
from qinqing.analytics.intel import duplicates, hotspot_service, seasonal_service
from qinqing.analytics.intel.models import Hotspot, HotspotRun, MonthlyTopic
from qinqing.appeals import selectors as appeal_selectors

REASON_LABELS = {
    "similar_text": gettext_lazy("similar text"),
    "same_enterprise": gettext_lazy("same enterprise"),
    "same_place": gettext_lazy("same place"),
    "recent": gettext_lazy("recent"),
}


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def _form_errors(form: forms.Form) -> str:
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{'，'.join(errs)}".lstrip("：")
        for name, errs in form.errors.items()
    )


# --- duplicates of an appeal (htmx partial; a page when opened directly) ------------------
@login_required
def appeal_duplicates(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_selectors.access_appeal(request.user, pk)
    if not appeal_selectors.is_staff_viewer(request.user, appeal):
        raise deny(request, request.user, "analytics:appeal_duplicates", appeal=appeal.pk)
    found = duplicates.duplicates_of(appeal)
    visible = set(
        appeal_selectors.appeals_visible_to(request.user)
        .filter(pk__in=[c.appeal.pk for c in found])
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "appeal": c.appeal,
            "score": c.match.score,
            "reasons": [REASON_LABELS.get(r, r) for r in c.match.reasons],
            "places": c.match.shared_places,
            "days_apart": c.match.days_apart,
        }
        for c in found
        if c.appeal.pk in visible
    ]
    may_mark = appeal.is_open and appeal_selectors.oversees(
        request.user, appeal, *appeal_selectors.DISPATCH_ROLES
    )
    context = {"appeal": appeal, "rows": rows, "may_mark": may_mark}
    if getattr(request, "htmx", False):
        return render(request, "analytics/intel/_duplicates.html", context)
    context["title"] = _("Likely duplicates of %(number)s") % {"number": appeal.number}
    return render(request, "analytics/intel/duplicates.html", context)


# --- hot spots ------------------------------------------------------------------------------
class HotspotRunForm(forms.Form):
    division = forms.ModelChoiceField(
        label=gettext_lazy("Division"), queryset=Organisation.objects.none()
    )
    period_start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = hotspot_service.divisions_for(user)  # type: ignore[attr-defined]


@role_required(Role.LEADER, Role.SUPERVISOR)
def hotspots(request: HttpRequest) -> HttpResponse:
    user = request.user
    runs = hotspot_service.runs_visible_to(user).select_related("division")
    if request.method == "POST":
        form = HotspotRunForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                run, _created = hotspot_service.request_run(
                    actor=user,
                    division=data["division"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            except hotspot_service.Forbidden as exc:
                raise deny(request, user, "analytics:hotspot_run") from exc
            else:
                messages.success(request, _("The hot spots are being computed."))
                return redirect(f"{request.path}?run={run.pk}")
        else:
            messages.error(request, _form_errors(form))
    run_id = request.GET.get("run", "")
    run = runs.filter(pk=run_id).first() if run_id.isdigit() else None
    if run is None:
        run = runs.filter(state=HotspotRun.State.DONE).first() or runs.first()
    division = run.division if run else hotspot_service.default_division(user)
    today = timezone.localdate()
    form = HotspotRunForm(
        user=user,
        initial={
            "division": division,
            "period_start": today - dt.timedelta(days=hotspot_service.DEFAULT_DAYS - 1),
            "period_end": today,
        },
    )
    context = {
        "form": form,
        "run": run,
        "spots": list(run.hotspots.all()) if run and run.state == HotspotRun.State.DONE else [],
        "may_pick": bool(run) and hotspot_service.may_pick(user, run.division),
        "recent_runs": list(runs[:10]),
        "title": _("Hot spots"),
    }
    if getattr(request, "htmx", False) and run_id:
        return render(request, "analytics/intel/_hotspot_run.html", context)
    return render(request, "analytics/intel/hotspots.html", context)


class MonthlyTopicForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    month = forms.DateField(
        label=gettext_lazy("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner department"), queryset=Organisation.objects.none()
    )
    goal = forms.CharField(label=gettext_lazy("Goal"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, division: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrgKind.DEPARTMENT, is_active=True, path__startswith=division.path
        )


def _pick_topic(request: HttpRequest, spot: Hotspot) -> HttpResponse:
    division = spot.run.division
    if not hotspot_service.may_pick(request.user, division):
        raise deny(request, request.user, "analytics:pick_topic", hotspot=spot.pk)
    form = MonthlyTopicForm(request.POST or None, division=division)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                topic = hotspot_service.pick_monthly_topic(
                    spot,
                    actor=request.user,
                    division=division,
                    title=data["title"],
                    month=data["month"],
                    owner=data["owner"],
                    goal=data["goal"],
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("The monthly topic has been set."))
                return redirect("analytics:monthly_topic", pk=topic.pk)
        else:
            messages.error(request, _form_errors(form))
    else:
        form = MonthlyTopicForm(
            division=division,
            initial={"title": spot.label, "month": timezone.localdate().replace(day=1)},
        )
    return render(
        request,
        "analytics/intel/pick_topic.html",
        {"form": form, "spot": spot, "title": _("Pick as the month's topic")},
    )


@role_required(Role.LEADER)
def pick_topic(request: HttpRequest, pk: int) -> HttpResponse:
    return _pick_topic(request, hotspot_service.access_hotspot(request.user, pk))


# --- 每月一题 --------------------------------------------------------------------------------
@login_required
def monthly_topics(request: HttpRequest) -> HttpResponse:
    topics = hotspot_service.topics_visible_to(request.user)[:200]
    return render(
        request,
        "analytics/intel/monthly_topics.html",
        {"topics": topics, "title": _("Monthly topics")},
    )


class TopicUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", "—"), *MonthlyTopic.Status.choices],
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Progress note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
def monthly_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = hotspot_service.access_topic(request.user, pk)
    may_update = hotspot_service.may_update_topic(request.user, topic)
    return render(
        request,
        "analytics/intel/monthly_topic.html",
        {
            "topic": topic,
            "events": topic.events.select_related("actor"),
            "form": TopicUpdateForm() if may_update else None,
            "labels": dict(MonthlyTopic.Status.choices),
            "title": topic.title,
        },
    )


@login_required
@require_POST
def update_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = hotspot_service.access_topic(request.user, pk)
    form = TopicUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("analytics:monthly_topic", pk=topic.pk)
    data = form.cleaned_data
    try:
        if data["status"]:
            hotspot_service.change_topic_status(
                topic, actor=request.user, status=data["status"], note=data["note"]
            )
        else:
            hotspot_service.add_topic_note(topic, actor=request.user, note=data["note"])
    except hotspot_service.Forbidden as exc:
        raise deny(request, request.user, "analytics:update_topic", topic=topic.pk) from exc
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("analytics:monthly_topic", pk=topic.pk)


# --- seasonal warnings ----------------------------------------------------------------------
@role_required(Role.LEADER, Role.SUPERVISOR, Role.HANDLER, Role.DEPT_HEAD)
def seasonal_warnings(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    warnings = seasonal_service.warnings_visible_to(request.user).filter(
        season_start__gte=today - dt.timedelta(days=120)
    )
    return render(
        request,
        "analytics/intel/seasonal_warnings.html",
        {"warnings": warnings[:200], "title": _("Seasonal warnings")},
    )
