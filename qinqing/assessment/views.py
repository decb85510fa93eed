"""Rankings per unit type and dimension, one unit's lines, the versions of a month's
frozen sheet, freezing and correcting, the printable page, the Excel export and manual
entries. Frozen months show their sheet; the open month is computed live."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qinqing.accounts.permissions import ensure
from qinqing.assessment import freezing, scoring, selectors, services
from qinqing.assessment.export import report_workbook
from qinqing.assessment.forms import FreezeForm, ManualEntryForm, PeriodForm
from qinqing.assessment.models import Scheme
from qinqing.core.forms import apply_errors


def _chosen(request: HttpRequest) -> tuple[PeriodForm, Scheme | None, scoring.Period, int | None]:
    ensure(selectors.may_view(request.user), request, request.user, "view:assessment")
    query = request.GET.copy()
    default = scoring.default_scheme()
    if query and not query.get("scheme") and default is not None:
        query["scheme"] = str(default.pk)  # show the scheme the page is scored by
    form = PeriodForm(query or None, initial={"scheme": default})
    period = form.period()
    data = form.cleaned_data if form.is_valid() else {}
    scheme = data.get("scheme") or scoring.default_scheme()
    return form, scheme, period, data.get("version")


def _standing(
    request: HttpRequest,
) -> tuple[PeriodForm, Scheme | None, scoring.Period, selectors.Standing]:
    form, scheme, period, version = _chosen(request)
    if scheme is None:
        return form, None, period, selectors.Standing([])
    units = list(selectors.assessed_units(request.user, scheme).order_by("name"))
    return form, scheme, period, selectors.standing(scheme, period, units, version=version)


def _visible(request: HttpRequest, results: list[scoring.DepartmentScore]) -> set[int]:
    return {
        r.department.pk for r in results if selectors.may_see_breakdown(request.user, r.department)
    }


def _dimensions(scheme: Scheme | None) -> list[str]:
    if scheme is None:
        return []
    names = [d.name for d in scheme.dimensions.all()]
    if names and scheme.indicators.filter(dimension__isnull=True).exists():
        names.append("其他")
    return names


def _subtotals(r: scoring.DepartmentScore, dims: list[str]) -> list[tuple[str, Any]]:
    found = dict(r.by_dimension())
    return [(d, found.get(d)) for d in dims]


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    form, scheme, period, standing = _standing(request)
    dims = _dimensions(scheme)
    groups = [
        (label, [(r, _subtotals(r, dims)) for r in rows])
        for label, rows in scoring.by_unit_type(standing.results)
    ]
    return render(
        request,
        "assessment/ranking.html",
        {
            "form": form,
            "scheme": scheme,
            "period": period,
            "standing": standing,
            "results": standing.results,
            "groups": groups,
            "dimensions": dims,
            "open_ids": _visible(request, standing.results),
            "query": request.GET.urlencode(),
            "may_export": selectors.sees_all(request.user),
            "may_freeze": selectors.may_freeze(request.user),
            "title": _("Assessment"),
        },
    )


@login_required
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    form, scheme, period, version = _chosen(request)
    if scheme is None:
        raise Http404
    units = list(selectors.assessed_units(request.user, scheme).order_by("name"))
    org = next((u for u in units if u.pk == pk), None)
    if org is None:
        raise Http404
    ensure(
        selectors.may_see_breakdown(request.user, org),
        request,
        request.user,
        "assessment:unit",
        unit=pk,
    )
    standing = selectors.standing(scheme, period, units, version=version, only=org)
    result = next((r for r in standing.results if r.department.pk == pk), None)
    sections: list[tuple[str, list[scoring.Line]]] = []
    for line in result.lines if result else []:
        name = line.indicator.dimension.name if line.indicator.dimension else "其他"
        if not sections or sections[-1][0] != name:
            sections.append((name, []))
        sections[-1][1].append(line)
    return render(
        request,
        "assessment/unit.html",
        {
            "form": form,
            "scheme": scheme,
            "period": period,
            "standing": standing,
            "result": result,
            "sections": sections,
            "query": request.GET.urlencode(),
            "title": _("Assessment of %(unit)s") % {"unit": org.name},
        },
    )


@login_required
def sheets(request: HttpRequest) -> HttpResponse:
    form, scheme, period, _version = _chosen(request)
    versions = list(selectors.sheets_of(scheme, period.start)) if scheme else []
    return render(
        request,
        "assessment/sheets.html",
        {
            "form": form,
            "scheme": scheme,
            "period": period,
            "versions": versions,
            "may_freeze": selectors.may_freeze(request.user),
            "freeze_form": FreezeForm(
                initial={"scheme": scheme, "month": period.start.strftime("%Y-%m")}
            ),
            "query": request.GET.urlencode(),
            "title": _("Frozen score sheets"),
        },
    )


@login_required
@require_POST
def freeze(request: HttpRequest, action: str) -> HttpResponse:
    if action not in ("freeze", "correct"):
        raise Http404
    ensure(selectors.may_freeze(request.user), request, request.user, f"assessment:{action}")
    form = FreezeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
        return redirect("assessment:sheets")
    data = form.cleaned_data
    month = data["month"]
    try:
        if action == "freeze":
            sheet = freezing.freeze_month(
                data["scheme"], month=month, actor=request.user, reason=data["reason"]
            )
        else:
            sheet = freezing.correct_month(
                data["scheme"], month=month, actor=request.user, reason=data["reason"]
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(month)s frozen as version %(version)s.")
            % {"month": date_format(month, "YEAR_MONTH_FORMAT"), "version": sheet.version},
        )
    query = f"scheme={data['scheme'].pk}&year={month.year}&month={month.month}"
    return redirect(f"{reverse('assessment:sheets')}?{query}")


@login_required
def printable(request: HttpRequest) -> HttpResponse:
    form, scheme, period, standing = _standing(request)
    return render(
        request,
        "assessment/print.html",
        {
            "scheme": scheme,
            "period": period,
            "standing": standing,
            "results": standing.results,
            "open_ids": _visible(request, standing.results),
            "title": _("Assessment report"),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    form, scheme, period, standing = _standing(request)
    ensure(selectors.sees_all(request.user), request, request.user, "assessment:export")
    body = report_workbook(scheme.name if scheme else "", period, standing.results)
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
            apply_errors(form, exc)
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
