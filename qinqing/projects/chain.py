"""The project page's chain: one row per stage with its matters, dates and days, and the
data of the timeline chart (ECharts, served from static)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from qinqing.projects import arithmetic as ar
from qinqing.projects import figures
from qinqing.projects.models import STAGE_NAMES, Project


def stage_name(stage: str) -> str:
    return STAGE_NAMES.get(stage, stage)


@dataclass(frozen=True)
class StageRow:
    stage: str
    name: str
    span: ar.StageSpan
    matters: list[figures.LinkedMatter]
    government: float | None  # days inside government within the stage
    state: str  # done, current, todo

    @property
    def days(self) -> float | None:
        return None if self.span.days is None else round(self.span.days, 1)


def _government(span: ar.StageSpan, now: dt.datetime) -> float | None:
    if span.start is None:
        return None
    end = span.finish or now
    return round(ar.union_days(ar.government_intervals(span.matters, span.start, end)), 1)


def context(project: Project) -> dict[str, Any]:
    now = timezone.now()
    stages = figures.linked_matters([project.pk]).get(project.pk, {})
    chain = figures.spans(project, stages)
    current = figures.current_stage(project, stages)
    rows: list[StageRow] = []
    passed = True
    for span in chain:
        if span.stage == current:
            state, passed = "current", False
        else:
            state = "done" if passed and span.finish else "todo"
        rows.append(
            StageRow(
                span.stage,
                stage_name(span.stage),
                span,
                stages.get(span.stage, []),
                _government(span, now),
                state,
            )
        )
    days, permit_at = figures.chain_days(project, stages)
    return {
        "rows": rows,
        "current_name": stage_name(current),
        "permit_days": days.rounded if days else None,
        "permit_at": permit_at,
        "chart": chart_data(rows, now),
    }


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def chart_data(rows: list[StageRow], now: dt.datetime) -> dict[str, Any]:
    """Bars from each stage's start to its finish (to now while in progress) and one
    thin bar per matter, in epoch milliseconds for a time axis."""
    bars = []
    for index, row in enumerate(rows):
        if row.span.start is None:
            continue
        end = row.span.finish or now
        label = f"{timezone.localtime(row.span.start):%Y年%m月%d日} — " + (
            f"{timezone.localtime(row.span.finish):%Y年%m月%d日}" if row.span.finish else "进行中"
        )
        bars.append(
            {
                "stage": index,
                "start": _ms(row.span.start),
                "end": _ms(end),
                "done": row.span.finish is not None,
                "label": label,
                "days": row.days
                if row.span.finish
                else round(ar.days_between(row.span.start, now), 1),
            }
        )
    return {
        "stages": [r.name for r in rows],
        "bars": bars,
        "now": _ms(now),
        "height": 60 + 34 * len(rows),
    }
