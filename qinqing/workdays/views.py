"""The calendar admin's year grid: a whole year's arrangement entered at once."""

import calendar as month_calendar
import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import role_required
from qinqing.workdays.services import (
    YearArrangement,
    YearDay,
    arrangement_warnings,
    save_year_arrangement,
    year_arrangement,
)

_WEEKDAYS = "一二三四五六日"


@role_required(Role.ADMIN)
def current_year(request: HttpRequest) -> HttpResponse:
    """The next year that is not yet known (the one to enter), else this year."""
    from qinqing.workdays.services import get_calendar

    this_year = timezone.localdate().year
    wanted = this_year + 1 if not get_calendar().knows_year(this_year + 1) else this_year
    return redirect("workdays:year", year=wanted)


@role_required(Role.ADMIN)
def year_grid(request: HttpRequest, year: int) -> HttpResponse:
    if not 2000 <= year <= 2100:
        from django.http import Http404

        raise Http404
    if request.method == "POST":
        return _save(request, year)
    arrangement = year_arrangement(year)
    rest = {d.date for d in arrangement.days if not d.is_workday}
    return render(
        request,
        "workdays/year.html",
        {
            "title": _("Holiday calendar %(year)s") % {"year": year},
            "year": year,
            "arrangement": arrangement,
            "months": _months(arrangement),
            "weekdays": list(_WEEKDAYS),
            "warnings": arrangement_warnings(year, rest)
            if arrangement.record is not None and arrangement.record.is_complete
            else [],
            "previous_year": year - 1,
            "next_year": year + 1,
        },
    )


def _save(request: HttpRequest, year: int) -> HttpResponse:
    rest_dates: set[dt.date] = set()
    for raw in request.POST.getlist("rest"):
        try:
            rest_dates.add(dt.date.fromisoformat(raw))
        except ValueError:
            messages.error(
                request, _("%(value)s is not a date; nothing was saved.") % {"value": raw[:20]}
            )
            return redirect("workdays:year", year=year)
    is_complete = request.POST.get("is_complete") == "on"
    source = request.POST.get("source", "").strip()
    warnings = arrangement_warnings(year, rest_dates)
    try:
        record, changed = save_year_arrangement(
            year,
            actor=request.user,
            rest_dates=rest_dates,
            is_complete=is_complete,
            source=source,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("workdays:year", year=year)
    rest = sum(1 for d in rest_dates if d.year == year)
    status = _("marked complete") if record.is_complete else _("not yet marked complete")
    messages.success(
        request,
        _(
            "Saved the %(year)s arrangement: %(rest)s rest days, %(work)s working days, "
            "%(changed)s days changed; %(status)s."
        )
        % {
            "year": year,
            "rest": rest,
            "work": _days_in(year) - rest,
            "changed": changed,
            "status": status,
        },
    )
    if record.is_complete:
        for warning in warnings:
            messages.warning(request, warning)
    return redirect("workdays:year", year=year)


def _days_in(year: int) -> int:
    return 366 if month_calendar.isleap(year) else 365


def _months(arrangement: YearArrangement) -> list[dict[str, Any]]:
    by_month: dict[int, list[YearDay]] = {}
    for day in arrangement.days:
        by_month.setdefault(day.date.month, []).append(day)
    months = []
    for month, days in sorted(by_month.items()):
        cells: list[dict[str, Any] | None] = [None] * days[0].date.weekday()
        for day in days:
            weekend = day.date.weekday() >= 5
            cells.append(
                {
                    "day": day,
                    "iso": day.date.isoformat(),
                    # rest on a weekday is a holiday; work on a weekend a make-up day
                    "special": (not day.is_workday) != weekend,
                    "weekend": weekend,
                }
            )
        months.append(
            {
                "month": month,
                "cells": cells,
                "rest": sum(1 for d in days if not d.is_workday),
            }
        )
    return months
