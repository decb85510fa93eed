"""The cockpit pages: thin views over the cockpit's selectors and services."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.accounts.permissions import deny, has_role, is_admin
from qinqing.analytics import figure_rollup
from qinqing.analytics.cockpit import selectors, services


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    division = forms.ModelChoiceField(
        label=gettext_lazy("Division"),
        required=False,
        queryset=Organisation.objects.filter(kind=OrgKind.DIVISION),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data


def _url(name: str, **params: Any) -> str:
    try:
        base = reverse(name)
    except NoReverseMatch:
        return ""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


def _links(start: dt.date, end: dt.date, division: Organisation | None) -> dict[str, str]:
    """Where each number leads: the appeals ledger (its filters: start, end, status,
    department, category, overdue) and the ratings list, filtered the same way. The
    ledger has no division filter; a division's numbers lead to the period's ledger."""
    period = {"start": start.isoformat(), "end": end.isoformat()}
    ledger = "appeals:ledger"
    return {
        "received": _url(ledger, **period),
        "open": _url(ledger, **period),
        "overdue": _url(ledger, overdue="on", **period),
        "closed": _url(ledger, status="closed", **period),
        "ledger": _url(ledger, **period),
        "ratings": _url("ratings:list", **period),
        "bad": _url("ratings:list", bad="on", **period),
        "rating_figures": _url("ratings:figures", **period),
        "policies": _url("policies:desk"),
        "warnings": _url("enterprises:warnings"),
    }


def cockpit_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    end = data.get("end") or today
    start = data.get("start") or end.replace(month=1, day=1)
    division = data.get("division")
    scope = selectors.cockpit_scope(request.user, division)
    if scope is None:
        raise deny(request, request.user, "view:cockpit")
    if form.is_bound and not form.is_valid():
        start, end = end.replace(month=1, day=1), today
    form.fields["division"].queryset = Organisation.objects.filter(
        pk__in=[d.pk for d in scope.divisions]
    )
    overview = selectors.overview(scope, start, end)
    links = _links(start, end, division)
    kpis = figure_rollup.cockpit_kpis({"totals": overview.get("figures", {})}, start, end, division)
    policy = selectors.policy_figures(scope)
    warnings = selectors.warning_figures(scope)
    services = selectors.service_figures(scope, request.user)
    return render(
        request,
        "analytics/cockpit.html",
        {
            "form": form,
            "scope": scope,
            "o": overview,
            "kpis": kpis,
            "start": start,
            "end": end,
            "links": links,
            "policy": policy,
            "warnings": warnings,
            "services": services,
            "live_at": (policy or warnings or {}).get("at"),
            "chart_data": {**overview, "fresh": None, "links": links},
            "can_refresh": is_admin(request.user) or has_role(request.user, "leader", "supervisor"),
            "title": _("Cockpit"),
        },
    )


@require_POST
def refresh_view(request: HttpRequest) -> HttpResponse:
    """Leaders ask for fresh numbers now: the rollups of the last weeks are rebuilt."""
    if not (
        request.user.is_authenticated
        and (is_admin(request.user) or has_role(request.user, "leader", "supervisor"))
    ):
        raise deny(request, request.user, "analytics:refresh")
    # Synchronous on purpose: the person pressed the button to see fresh numbers now.
    services.refresh_rollups()
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("analytics:cockpit")
    return redirect(target)
