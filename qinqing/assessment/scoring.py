"""Scores of departments under a scheme for a month or a year, with the working shown.

Rules (pure arithmetic in `points_for`, so the tests can check them by hand):
- BASE: weight × value. A department without data for the period gets the average value
  of the departments that have data, and the line says so.
- ADJUST: (value − target) × 100 × points_per_percent, kept within [min_points,
  max_points]; no data gives 0 points.
- MANUAL: the points entered for each month of the period (summed over a year and kept
  within [min_points, max_points] × months); none entered gives 0.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.assessment import figures
from qinqing.assessment.models import Indicator, IndicatorKind, ManualEntry, Scheme

TWO = Decimal("0.01")


@dataclass
class Line:
    indicator: Indicator
    value: float | None
    points: Decimal
    how: str


@dataclass
class DepartmentScore:
    department: Organisation
    lines: list[Line] = field(default_factory=list)
    rank: int = 0

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))


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


def score(scheme: Scheme, departments: list[Organisation], period: Period) -> list[DepartmentScore]:
    """Every department's lines and total, ranked (equal totals share a rank)."""
    start, end = period.bounds()
    ids = [d.pk for d in departments]
    indicators = list(scheme.indicators.filter(is_active=True).select_related("lead_department"))
    results = {d.pk: DepartmentScore(department=d) for d in departments}
    manual = _manual_points(indicators, ids, period)
    for ind in indicators:
        if ind.kind == IndicatorKind.MANUAL:
            for pk, result in results.items():
                pts, notes = manual.get((ind.pk, pk), (Decimal(0), []))
                cap_lo, cap_hi = ind.min_points * period.months, ind.max_points * period.months
                kept = _q(min(max(pts, cap_lo), cap_hi))
                how = "；".join(notes) if notes else "本期未录入，记 0 分"
                result.lines.append(Line(ind, None, kept, how))
            continue
        values = figures.compute(ind.figure, ids, start, end)
        known = [v for v in values.values() if v is not None]
        average = sum(known) / len(known) if known else None
        for pk, result in results.items():
            value = values.get(pk)
            if ind.kind == IndicatorKind.BASE and value is None:
                if average is None:
                    result.lines.append(Line(ind, None, Decimal(0), "全区本期无数据，记 0 分"))
                    continue
                pts, how = points_for(ind, average)
                result.lines.append(Line(ind, None, pts, f"本单位无数据，按全区平均 {how}"))
                continue
            pts, how = points_for(ind, value)
            result.lines.append(Line(ind, value, pts, how))
    ranked = sorted(results.values(), key=lambda r: (-r.total, r.department.name))
    previous: Decimal | None = None
    for i, r in enumerate(ranked, start=1):
        r.rank = ranked[i - 2].rank if previous is not None and r.total == previous else i
        previous = r.total
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


def as_rows(results: list[DepartmentScore]) -> list[dict[str, Any]]:
    return [
        {
            "rank": r.rank,
            "department": r.department.name,
            "total": r.total,
            "lines": [(line.indicator.name, line.value, line.points, line.how) for line in r.lines],
        }
        for r in results
    ]
