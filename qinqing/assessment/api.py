"""考核 for other systems: schemes, frozen sheets (month, version) and a unit's lines.
Access goes through the same selectors as the pages; frozen months read their sheet."""

import re
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError

from qinqing.accounts.permissions import ensure
from qinqing.assessment import figures, scoring, selectors
from qinqing.assessment.models import Indicator, Scheme, ScoreSheet
from qinqing.assessment.schemas import (
    SchemeRead,
    ScoresRead,
    SheetRead,
    UnitLinesRead,
)

router = Router(tags=["assessment"])
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _viewer(request: HttpRequest) -> None:
    ensure(selectors.may_view(request.user), request, request.user, "api:assessment")


def _month(value: str) -> scoring.Period:
    found = MONTH.match(value or "")
    if not found or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2100:
        raise HttpError(422, "月份格式应为 YYYY-MM，例如 2026-03。")
    return scoring.Period.month(int(found.group(1)), int(found.group(2)))


def _version(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 999:
        raise HttpError(422, "版本号应在 1 到 999 之间。")
    return value


def _indicator(ind: Indicator) -> dict[str, Any]:
    return {
        "id": ind.pk,
        "code": ind.code,
        "name": ind.name,
        "dimension": ind.dimension.name if ind.dimension else "",
        "kind": ind.kind,
        "figure": ind.figure,
        "figure_connected": not ind.figure or figures.is_registered(ind.figure),
        "unit_types": list(ind.unit_types or []),
        "weight": ind.weight,
        "target": ind.target,
        "points_per_percent": ind.points_per_percent,
        "min_points": ind.min_points,
        "max_points": ind.max_points,
    }


def _sheet(sheet: ScoreSheet) -> dict[str, Any]:
    return {
        "id": sheet.pk,
        "scheme_id": sheet.scheme_id,
        "month": f"{sheet.period:%Y-%m}",
        "version": sheet.version,
        "reason": sheet.reason,
        "frozen_at": sheet.frozen_at,
        "frozen_by": sheet.frozen_by.display_name if sheet.frozen_by else "",
    }


@router.get("/schemes", response=list[SchemeRead], summary="Schemes with dimensions and indicators")
def list_schemes(request: HttpRequest) -> list[dict[str, Any]]:
    _viewer(request)
    out = []
    for scheme in Scheme.objects.prefetch_related("dimensions", "indicators__dimension"):
        out.append(
            {
                "id": scheme.pk,
                "name": scheme.name,
                "is_default": scheme.is_default,
                "dimensions": [d.name for d in scheme.dimensions.all()],
                "indicators": [_indicator(i) for i in scheme.indicators.all() if i.is_active],
            }
        )
    return out


@router.get(
    "/schemes/{scheme_id}/sheets", response=list[SheetRead], summary="Frozen versions of a month"
)
def list_sheets(request: HttpRequest, scheme_id: int, month: str) -> list[dict[str, Any]]:
    _viewer(request)
    scheme = get_object_or_404(Scheme, pk=scheme_id)
    period = _month(month)
    return [_sheet(s) for s in selectors.sheets_of(scheme, period.start)]


@router.get(
    "/schemes/{scheme_id}/scores",
    response=ScoresRead,
    summary="Totals and ranks of a month (the frozen sheet if any, else live)",
)
def get_scores(
    request: HttpRequest, scheme_id: int, month: str, version: int | None = None
) -> dict[str, Any]:
    _viewer(request)
    scheme = get_object_or_404(Scheme, pk=scheme_id)
    period = _month(month)
    units = list(selectors.assessed_units(request.user, scheme).order_by("name"))
    standing = selectors.standing(scheme, period, units, version=_version(version))
    if version is not None and standing.sheet is None:
        raise HttpError(404, "该月没有这个冻结版本。")
    return {
        "scheme_id": scheme.pk,
        "month": f"{period.start:%Y-%m}",
        "frozen": standing.sheet is not None,
        "sheet": _sheet(standing.sheet) if standing.sheet else None,
        "units": [
            {
                "unit_id": r.department.pk,
                "unit": r.department.name,
                "unit_type": r.unit_type,
                "total": r.total,
                "rank": r.rank,
            }
            for r in standing.results
        ],
    }


@router.get(
    "/schemes/{scheme_id}/units/{unit_id}/lines",
    response=UnitLinesRead,
    summary="One unit's lines with formula and drill-down",
)
def get_unit_lines(
    request: HttpRequest, scheme_id: int, unit_id: int, month: str, version: int | None = None
) -> dict[str, Any]:
    _viewer(request)
    scheme = get_object_or_404(Scheme, pk=scheme_id)
    period = _month(month)
    units = list(selectors.assessed_units(request.user, scheme).order_by("name"))
    unit = next((u for u in units if u.pk == unit_id), None)
    if unit is None:
        raise Http404  # not assessed, or outside the viewer's district: audited
    ensure(
        selectors.may_see_breakdown(request.user, unit),
        request,
        request.user,
        "api:assessment_unit",
        unit=unit_id,
    )
    standing = selectors.standing(scheme, period, units, version=_version(version), only=unit)
    if version is not None and standing.sheet is None:
        raise HttpError(404, "该月没有这个冻结版本。")
    result = standing.results[0] if standing.results else scoring.DepartmentScore(unit)
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "unit_type": result.unit_type,
        "month": f"{period.start:%Y-%m}",
        "frozen": standing.sheet is not None,
        "version": standing.sheet.version if standing.sheet else None,
        "total": result.total,
        "rank": result.rank,
        "lines": [
            {
                "indicator_code": line.indicator.code,
                "indicator": line.indicator.name,
                "dimension": line.indicator.dimension.name if line.indicator.dimension else "",
                "value": line.value,
                "points": line.points,
                "how": line.how,
                "formula": line.formula,
                "drill": line.drill,
            }
            for line in result.lines
        ],
    }
