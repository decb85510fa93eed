"""Scores of every assessed unit (departments and towns) under a scheme for a month or a
year, with the working shown.

Rules (pure arithmetic in `points_for`, so the tests can check them by hand):
- An indicator applies to the unit types it names (none named: every unit; Yongchuan's
  enterprise satisfaction is every unit's base score).
- BASE: weight × value. A unit without data for the period gets the average value
  of the units that have data, and the line says so.
- ADJUST: (value − target) × 100 × points_per_percent, kept within [min_points,
  max_points]; no data gives 0 points.
- MANUAL: the points entered for each month of the period (summed over a year and kept
  within [min_points, max_points] × months); none entered gives 0.
- A figure that no app has registered (its data source is not connected) gives 0 points
  and the line says 数据源未接入.
Ranks are counted within each unit type.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.assessment import figures
from qinqing.assessment.models import (
    AssessedUnit,
    Indicator,
    IndicatorKind,
    ManualEntry,
    Scheme,
    UnitType,
)

TWO = Decimal("0.01")


MISSING = "数据源未接入"
TYPE_ORDER: dict[str, int] = {UnitType.KEY: 0, UnitType.GENERAL: 1, UnitType.TOWN: 2}


@dataclass
class Line:
    indicator: Indicator
    value: float | None
    points: Decimal
    how: str
    formula: str = ""
    drill: str = ""

    @property
    def shown(self) -> str:
        return "—" if self.value is None else f"{self.value:.1%}"


@dataclass
class DepartmentScore:  # one unit's score (a department or a town)
    department: Organisation
    lines: list[Line] = field(default_factory=list)
    rank: int = 0
    unit_type: str = UnitType.GENERAL
    frozen_total: Decimal | None = None  # as stored in a frozen sheet

    @property
    def total(self) -> Decimal:
        if self.frozen_total is not None:
            return self.frozen_total
        return sum((line.points for line in self.lines), Decimal(0))

    @property
    def unit_type_label(self) -> str:
        return str(UnitType(self.unit_type).label)

    def by_dimension(self) -> list[tuple[str, Decimal]]:
        """(dimension name, subtotal) in the scheme's order; indicators without one
        are summed under 其他."""
        sums: dict[str, Decimal] = {}
        for line in self.lines:
            dim = line.indicator.dimension
            key = dim.name if dim is not None else "其他"
            sums[key] = sums.get(key, Decimal(0)) + line.points
        return list(sums.items())


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day
    end: dt.date  # first day after
    label: str
    months: int

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(start, end, f"{year}年{month}月", 1)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), f"{year}年度", 12)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tz),
            dt.datetime.combine(self.end, dt.time.min, tz),
        )


def _q(x: Decimal) -> Decimal:
    return x.quantize(TWO, rounding=ROUND_HALF_UP)


def points_for(indicator: Indicator, value: float | None) -> tuple[Decimal, str]:
    """Points and a one-line explanation for a figure-based indicator."""
    if indicator.kind == IndicatorKind.BASE:
        assert value is not None
        points = _q(indicator.weight * Decimal(str(value)))
        return points, f"{indicator.weight} × {value:.2%} = {points}"
    if value is None:
        return Decimal(0), "本期无数据，不加减分"
    target = indicator.target or Decimal(0)
    raw = (Decimal(str(value)) - target) * 100 * indicator.points_per_percent
    points = _q(min(max(raw, indicator.min_points), indicator.max_points))
    capped = (
        ""
        if points == _q(raw)
        else f"，按上下限 [{indicator.min_points}, {indicator.max_points}] 取 {points}"
    )
    return points, (
        f"({value:.2%} − 目标 {target * 100:.2f}%) × {indicator.points_per_percent} 分/百分点 = {_q(raw)}{capped}"
    )


def unit_types_for(scheme: Scheme, units: list[Organisation]) -> dict[int, str]:
    """{organisation id: unit type} as the scheme assigns it; an untyped unit is a town
    if it is a division, otherwise a general unit."""
    typed = dict(
        AssessedUnit.objects.filter(scheme=scheme, organisation__in=units).values_list(
            "organisation_id", "unit_type"
        )
    )
    return {
        u.pk: typed.get(u.pk) or (UnitType.TOWN if u.kind == OrgKind.DIVISION else UnitType.GENERAL)
        for u in units
    }


def score(
    scheme: Scheme,
    departments: list[Organisation],
    period: Period,
    *,
    unit_types: dict[int, str] | None = None,
) -> list[DepartmentScore]:
    """Every unit's lines and total, ranked within its unit type (equal totals share a
    rank); the list runs 重点单位, 一般单位, 镇街."""
    types = unit_types if unit_types is not None else unit_types_for(scheme, departments)
    indicators = list(
        scheme.indicators.filter(is_active=True).select_related("lead_department", "dimension")
    )
    results = {
        d.pk: DepartmentScore(department=d, unit_type=types.get(d.pk, UnitType.GENERAL))
        for d in departments
    }
    manual = _manual_points(indicators, list(results), period)
    for ind in indicators:
        applying = {pk: r for pk, r in results.items() if ind.applies_to(r.unit_type)}
        if ind.kind == IndicatorKind.MANUAL:
            _manual_lines(ind, applying, manual, period)
        else:
            _figure_lines(ind, applying, period)
    return rank(list(results.values()))


def manual_formula(ind: Indicator) -> str:
    return f"人工评分（附佐证），每月 {ind.min_points} 至 {ind.max_points} 分"


def _manual_lines(
    ind: Indicator,
    results: dict[int, DepartmentScore],
    manual: dict[tuple[int, int], tuple[Decimal, list[str]]],
    period: Period,
) -> None:
    formula = manual_formula(ind)
    for pk, result in results.items():
        pts, notes = manual.get((ind.pk, pk), (Decimal(0), []))
        cap_lo, cap_hi = ind.min_points * period.months, ind.max_points * period.months
        kept = _q(min(max(pts, cap_lo), cap_hi))
        how = "；".join(notes) if notes else "本期未录入，记 0 分"
        result.lines.append(Line(ind, None, kept, how, formula))


def _figure_lines(ind: Indicator, results: dict[int, DepartmentScore], period: Period) -> None:
    start, end = period.bounds()
    towns = {pk for pk, r in results.items() if r.department.kind == OrgKind.DIVISION}
    values = figures.compute_units(ind.figure, list(results), towns, start, end)
    formula = figures.formula(ind)
    if values is None:
        for result in results.values():
            how = f"{MISSING}，记 0 分"
            result.lines.append(Line(ind, None, Decimal(0), how, formula))
        return
    known = [v for v in values.values() if v is not None]
    average = sum(known) / len(known) if known else None
    for pk, result in results.items():
        value = values.get(pk)
        drill = figures.drill(ind.figure, result.department, start, end)
        if ind.kind == IndicatorKind.BASE and value is None:
            if average is None:
                line = Line(ind, None, Decimal(0), "全区本期无数据，记 0 分", formula, drill)
            else:
                pts, how = points_for(ind, average)
                line = Line(ind, None, pts, f"本单位无数据，按全区平均 {how}", formula, drill)
            result.lines.append(line)
            continue
        pts, how = points_for(ind, value)
        result.lines.append(Line(ind, value, pts, how, formula, drill))


def rank(results: list[DepartmentScore]) -> list[DepartmentScore]:
    """Rank within each unit type: equal totals share a rank."""
    ranked = sorted(
        results,
        key=lambda r: (TYPE_ORDER.get(r.unit_type, 9), -r.total, r.department.name),
    )
    previous: DepartmentScore | None = None
    position = 0
    for r in ranked:
        if previous is not None and previous.unit_type != r.unit_type:
            position = 0
            previous = None
        position += 1
        r.rank = previous.rank if previous is not None and previous.total == r.total else position
        previous = r
    return ranked


def _manual_points(
    indicators: list[Indicator], ids: list[int], period: Period
) -> dict[tuple[int, int], tuple[Decimal, list[str]]]:
    out: dict[tuple[int, int], tuple[Decimal, list[str]]] = {}
    entries = ManualEntry.objects.filter(
        indicator__in=[i for i in indicators if i.kind == IndicatorKind.MANUAL],
        department_id__in=ids,
        period__gte=period.start,
        period__lt=period.end,
    ).order_by("period")
    for e in entries:
        pts, notes = out.get((e.indicator_id, e.department_id), (Decimal(0), []))
        out[(e.indicator_id, e.department_id)] = (
            pts + e.points,
            [*notes, f"{e.period:%m}月 {e.points} 分：{e.notes}"],
        )
    return out


def default_scheme() -> Scheme | None:
    return Scheme.objects.filter(is_default=True).first() or Scheme.objects.first()


def by_unit_type(results: list[DepartmentScore]) -> list[tuple[str, list[DepartmentScore]]]:
    """[(unit type label, its ranked units)] in the order 重点单位, 一般单位, 镇街."""
    groups: dict[str, list[DepartmentScore]] = {}
    for r in results:
        groups.setdefault(r.unit_type, []).append(r)
    order = sorted(groups, key=lambda t: TYPE_ORDER.get(t, 9))
    return [(str(UnitType(t).label), groups[t]) for t in order]


def as_rows(results: list[DepartmentScore]) -> list[dict[str, Any]]:
    return [
        {
            "rank": r.rank,
            "department": r.department.name,
            "unit_type": r.unit_type,
            "total": r.total,
            "lines": [(line.indicator.name, line.value, line.points, line.how) for line in r.lines],
        }
        for r in results
    ]
