"""Rankings with their breakdown, the printable page, the Excel export, manual entries."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qinqing.accounts.permissions import ensure
from qinqing.assessment import scoring, selectors, services
from qinqing.assessment.export import report_workbook
from qinqing.assessment.forms import ManualEntryForm, PeriodForm


def _results(
    request: HttpRequest,
) -> tuple[PeriodForm, Any, scoring.Period, list[scoring.DepartmentScore]]:
    ensure(selectors.may_view(request.user), request, request.user, "view:assessment")
    form = PeriodForm(request.GET or None)
    period = form.period()
    scheme = (
        form.cleaned_data.get("scheme") if form.is_valid() else None
    ) or scoring.default_scheme()
    departments = list(selectors.assessed_departments(request.user).order_by("name"))
    results = scoring.score(scheme, departments, period) if scheme else []
    return form, scheme, period, results


def _visible(request: HttpRequest, results: list[scoring.DepartmentScore]) -> set[int]:
    return {
        r.department.pk for r in results if selectors.may_see_breakdown(request.user, r.department)
    }


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    form, scheme, period, results = _results(request)
    return render(
        request,
        "assessment/ranking.html",
        {
            "form": form,
            "scheme": scheme,
            "period": period,
            "results": results,
            "open_ids": _visible(request, results),
            "query": request.GET.urlencode(),
            "may_export": selectors.sees_all(request.user),
            "title": _("Assessment"),
        },
    )


@login_required
def printable(request: HttpRequest) -> HttpResponse:
    form, scheme, period, results = _results(request)
    return render(
        request,
        "assessment/print.html",
        {
            "scheme": scheme,
            "period": period,
            "results": results,
            "open_ids": _visible(request, results),
            "title": _("Assessment report"),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    form, scheme, period, results = _results(request)
    ensure(selectors.sees_all(request.user), request, request.user, "assessment:export")
    body = report_workbook(scheme.name if scheme else "", period, results)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="assessment-{period.start:%Y%m}.xlsx"'
    return response


@login_required
def manual_entry(request: HttpRequest) -> HttpResponse:
    form = ManualEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ind = data["indicator"]
        ensure(
            selectors.may_enter(request.user, ind),
            request,
            request.user,
            "assessment:enter",
            indicator=ind.pk,
        )
        try:
            services.record_manual_entry(
                ind,
                actor=request.user,
                department=data["department"],
                period=data["period"],
                points=data["points"],
                notes=data["notes"],
                evidence=data.get("evidence"),
            )
            messages.success(
                request,
                _("Recorded %(points)s points of “%(indicator)s” for %(department)s, %(period)s.")
                % {
                    "points": data["points"],
                    "indicator": ind,
                    "department": data["department"],
                    "period": date_format(data["period"], "YEAR_MONTH_FORMAT"),
                },
            )
            return redirect("assessment:manual")
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    else:
        ensure(selectors.may_view(request.user), request, request.user, "view:assessment")
    return render(
        request,
        "assessment/manual.html",
        {
            "form": form,
            "entries": selectors.entries_visible_to(request.user)[:100],
            "title": _("Manual scores"),
        },
    )
