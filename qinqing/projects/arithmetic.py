"""Pure arithmetic of the approval chain (no ORM): stage spans from matter times, days
from 立项 to 施工许可 split into time inside government and time waiting for the
applicant, and the summary statistics (average, median, P90, change against last year).

Days are calendar days (24 hours), as in "自立项到取得施工许可证平均用时 174.4 天"."""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DAY = 86400.0
Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class MatterTimes:
    """One matter's moments; `pauses` are its 补正 intervals (returned → resubmitted)."""

    submitted_at: dt.datetime
    accepted_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    approved: bool = False
    pauses: tuple[Interval, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


@dataclass(frozen=True)
class StageSpan:
    stage: str
    start: dt.datetime | None  # first submission of its matters
    finish: dt.datetime | None  # last approval, once no matter is open and one is approved
    matters: tuple[MatterTimes, ...] = field(default=())

    @property
    def days(self) -> float | None:
        if self.start is None or self.finish is None:
            return None
        return days_between(self.start, self.finish)


def days_between(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / DAY


def stage_span(stage: str, matters: Sequence[MatterTimes]) -> StageSpan:
    """A stage starts when its first matter is submitted and is finished when none is
    open and at least one was approved: at the last approval."""
    if not matters:
        return StageSpan(stage, None, None, ())
    start = min(m.submitted_at for m in matters)
    approved = [m.decided_at for m in matters if m.approved and m.decided_at is not None]
    finished = approved and not any(m.is_open for m in matters)
    return StageSpan(stage, start, max(approved) if finished else None, tuple(matters))


def _subtract(interval: Interval, holes: Iterable[Interval]) -> list[Interval]:
    pieces = [interval]
    for hole_start, hole_end in holes:
        cut: list[Interval] = []
        for start, end in pieces:
            if hole_end <= start or hole_start >= end:
                cut.append((start, end))
                continue
            if hole_start > start:
                cut.append((start, hole_start))
            if hole_end < end:
                cut.append((hole_end, end))
        pieces = cut
    return pieces


def union_days(intervals: Iterable[Interval]) -> float:
    """Length in days of the union of intervals (parallel matters count once)."""
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += days_between(current_start, current_end)
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        total += days_between(current_start, current_end)
    return total


def government_intervals(
    matters: Iterable[MatterTimes], start: dt.datetime, end: dt.datetime
) -> list[Interval]:
    """The time inside government: each matter from acceptance to decision, minus its
    补正 pauses, clipped to [start, end]."""
    found: list[Interval] = []
    for m in matters:
        if m.accepted_at is None:
            continue
        stop = min(m.decided_at or end, end)
        begin = max(m.accepted_at, start)
        if stop <= begin:
            continue
        found.extend(_subtract((begin, stop), m.pauses))
    return found


@dataclass(frozen=True)
class ChainDays:
    """Days from 立项 to 施工许可 of one project."""

    total: float
    government: float
    applicant: float  # the rest: preparing, waiting for the applicant, in 补正

    @property
    def rounded(self) -> tuple[float, float, float]:
        return round(self.total, 1), round(self.government, 1), round(self.applicant, 1)


def permit_days(
    establish: Sequence[MatterTimes],
    chain_matters: Sequence[MatterTimes],
    permit_at: dt.datetime | None,
) -> ChainDays | None:
    """From the first 立项 submission to the first construction permit granted (the
    first of three stages, when the permit is staged); None until both exist.
    `chain_matters` are every matter from 立项 up to that permit."""
    if not establish or permit_at is None:
        return None
    start = min(m.submitted_at for m in establish)
    if permit_at <= start:
        return None
    total = days_between(start, permit_at)
    inside = union_days(government_intervals(chain_matters, start, permit_at))
    inside = min(inside, total)
    return ChainDays(total, inside, total - inside)


# --- statistics ---------------------------------------------------------------------


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p % of values at or
    below it (P90 of 10 values is the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value + 0.0, 1)


@dataclass(frozen=True)
class Summary:
    count: int
    average: float | None
    median: float | None
    p90: float | None
    government: float | None  # average days inside government
    applicant: float | None  # average days waiting for the applicant
    change: float | None = None  # average minus last year's average (negative: faster)

    @property
    def decrease(self) -> float | None:
        return None if self.change is None else round(-self.change, 1)


def summarise(rows: Sequence[ChainDays], last_year: Sequence[ChainDays] = ()) -> Summary:
    totals = [r.total for r in rows]
    average = mean(totals)
    previous = mean([r.total for r in last_year])
    change = None if average is None or previous is None else average - previous
    return Summary(
        count=len(rows),
        average=one_decimal(average),
        median=one_decimal(median(totals)),
        p90=one_decimal(percentile(totals, 90)),
        government=one_decimal(mean([r.government for r in rows])),
        applicant=one_decimal(mean([r.applicant for r in rows])),
        change=one_decimal(change),
    )
