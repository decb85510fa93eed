"""Figures of the approval chain, read from matter records: each stage's span, days
from 立项 to 施工许可 (inside government / waiting for the applicant) with average,
median and P90 per project type and year, projects per reform flag, and the per-unit
`project_step_on_time_rate`. The arithmetic is in `arithmetic.py` (no ORM)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from qinqing.catalog.models import Matter, MatterEvent, MatterStatus
from qinqing.projects import arithmetic as ar
from qinqing.projects.models import (
    DONE,
    FLAGS,
    PERMIT_STAGES,
    ItemStatus,
    Project,
    ProjectMatter,
    ProjectType,
    ScheduleItem,
    Stage,
)

STEP_ON_TIME = "project_step_on_time_rate"
STEP_ON_TIME_LABEL = "项目周调度事项按期完成率"
STEP_ON_TIME_DEFINITION = (
    "本单位负责、应于期间内完成的项目周调度事项中，在完成时限当日或之前完成的所占比例"
    "（已取消的不计）：按期完成数 ÷ 期间内到期数。"
)
PERMIT_DAYS_DEFINITION = (
    "自项目首个立项办件提交之日起，至首个施工许可（分阶段办理的，为第一阶段）准予之日止的"
    "自然日数；其中“政府内用时”为各办件自受理至办结、扣除补正期间的时段之并集，"
    "其余为“企业准备与等待用时”。按取得施工许可的年份计入，P90 取最近秩。"
)


@dataclass(frozen=True)
class LinkedMatter:
    matter: Matter
    times: ar.MatterTimes


def _pauses(events: list[MatterEvent], end: dt.datetime | None) -> tuple[ar.Interval, ...]:
    pauses: list[ar.Interval] = []
    started: dt.datetime | None = None
    for event in events:
        if event.kind == "correction_requested" and started is None:
            started = event.at
        elif event.kind == "resubmitted" and started is not None:
            pauses.append((started, event.at))
            started = None
    if started is not None:
        pauses.append((started, end or timezone.now()))
    return tuple(pauses)


def matter_times(matters: Iterable[Matter]) -> dict[int, ar.MatterTimes]:
    """{matter id: its moments}, the 补正 pauses read from the matters' timelines."""
    by_id = {m.pk: m for m in matters}
    events: dict[int, list[MatterEvent]] = defaultdict(list)
    for event in MatterEvent.objects.filter(
        matter_id__in=list(by_id), kind__in=("correction_requested", "resubmitted")
    ).order_by("at", "id"):
        events[event.matter_id].append(event)
    return {
        pk: ar.MatterTimes(
            submitted_at=m.submitted_at,
            accepted_at=m.accepted_at,
            decided_at=m.decided_at,
            approved=m.status == MatterStatus.APPROVED,
            pauses=_pauses(events[pk], m.decided_at),
        )
        for pk, m in by_id.items()
    }


def linked_matters(project_ids: Iterable[int]) -> dict[int, dict[str, list[LinkedMatter]]]:
    """{project id: {stage: [linked matter]}} in two queries."""
    links = list(
        ProjectMatter.objects.filter(project_id__in=list(project_ids))
        .select_related("matter__item", "matter__department")
        .order_by("matter__submitted_at", "id")
    )
    times = matter_times(link.matter for link in links)
    found: dict[int, dict[str, list[LinkedMatter]]] = defaultdict(lambda: defaultdict(list))
    for link in links:
        found[link.project_id][link.stage].append(LinkedMatter(link.matter, times[link.matter_id]))
    return found


def spans(project: Project, stages: dict[str, list[LinkedMatter]]) -> list[ar.StageSpan]:
    return [
        ar.stage_span(stage, [lm.times for lm in stages.get(stage, [])]) for stage in project.chain
    ]


def current_stage(project: Project, stages: dict[str, list[LinkedMatter]]) -> str:
    for span in spans(project, stages):
        if span.finish is None:
            return span.stage
    return DONE


def permit_moment(chain: list[ar.StageSpan]) -> dt.datetime | None:
    finished = [s.finish for s in chain if s.stage in PERMIT_STAGES and s.finish is not None]
    return min(finished) if finished else None


def chain_days(
    project: Project, stages: dict[str, list[LinkedMatter]]
) -> tuple[ar.ChainDays | None, dt.datetime | None]:
    chain = spans(project, stages)
    permit_at = permit_moment(chain)
    if permit_at is None:
        return None, None
    before = [
        lm.times
        for stage in project.chain
        for lm in stages.get(stage, [])
        if stage not in (Stage.COMPLETION, Stage.PRODUCTION) and lm.times.submitted_at < permit_at
    ]
    establish = [lm.times for lm in stages.get(Stage.ESTABLISH, [])]
    return ar.permit_days(establish, before, permit_at), permit_at


@dataclass(frozen=True)
class ProjectDays:
    project_id: int
    project_type: str
    year: int
    days: ar.ChainDays


def permit_days_of(projects: QuerySet[Project]) -> list[ProjectDays]:
    rows = list(projects.only("pk", "project_type", "permit_mode"))
    linked = linked_matters(p.pk for p in rows)
    found = []
    for project in rows:
        days, permit_at = chain_days(project, linked.get(project.pk, {}))
        if days is not None and permit_at is not None:
            year = timezone.localtime(permit_at).year
            found.append(ProjectDays(project.pk, project.project_type, year, days))
    return found


@dataclass(frozen=True)
class SummaryRow:
    year: int
    project_type: str  # "" for all types
    label: str
    summary: ar.Summary


def permit_summary(projects: QuerySet[Project], years: Iterable[int]) -> list[SummaryRow]:
    """One row per year and project type (and all types), with the change against the
    year before."""
    found = permit_days_of(projects)
    labels = {
        "": "全部项目",
        ProjectType.GOVERNMENT: "政府投资",
        ProjectType.ENTERPRISE: "企业投资",
    }
    rows = []
    for year in years:
        for kind, label in labels.items():

            def pick(y: int, kind: str = kind) -> list[ar.ChainDays]:
                return [r.days for r in found if r.year == y and kind in ("", r.project_type)]

            rows.append(SummaryRow(year, kind, label, ar.summarise(pick(year), pick(year - 1))))
    return rows


def flag_counts(projects: QuerySet[Project]) -> list[tuple[str, str, int]]:
    """(flag, label, projects using it), and the total as the first row."""
    counts = projects.aggregate(
        total=Count("pk"), **{name: Count("pk", filter=Q(**{name: True})) for name in FLAGS}
    )
    return [("", "项目总数", counts["total"])] + [
        (name, label, counts[name]) for name, label in FLAGS.items()
    ]


def stage_counts(projects: QuerySet[Project]) -> dict[str, int]:
    return dict(
        projects.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )


# --- 项目周调度事项按期完成率 ---------------------------------------------------------------


def _due_in(start: dt.datetime, end: dt.datetime) -> Q:
    first, last = timezone.localdate(start), timezone.localdate(end)
    return Q(due_on__gte=first, due_on__lt=last) & ~Q(status=ItemStatus.CANCELLED)


def step_on_time_by_unit(
    unit_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, float | None]:
    """{unit id: items done by their due date ÷ items due in [start, end)}; None when
    the unit had none due."""
    ids = list(unit_ids)
    rows = (
        ScheduleItem.objects.filter(_due_in(start, end), owner_unit_id__in=ids)
        .order_by()
        .values("owner_unit_id")
        .annotate(
            due=Count("pk"),
            done_by_due=Count(
                "pk",
                filter=Q(status=ItemStatus.DONE, done_on__isnull=False)
                & Q(done_on__lte=F("due_on")),
            ),
        )
    )
    found: dict[int, float | None] = dict.fromkeys(ids)
    for row in rows:
        found[row["owner_unit_id"]] = (
            round(row["done_by_due"] / row["due"], 4) if row["due"] else None
        )
    return found


def step_on_time_drill(unit_id: int, start: dt.datetime, end: dt.datetime) -> str:
    first = timezone.localdate(start)
    last = timezone.localdate(end) - dt.timedelta(days=1)
    return f"{reverse('projects:schedule')}?unit={unit_id}&from={first:%Y-%m-%d}&to={last:%Y-%m-%d}"


def items_due(qs: QuerySet[ScheduleItem], first: dt.date, last: dt.date) -> QuerySet[ScheduleItem]:
    """The drill-down: items due in [first, last] (inclusive days), as the figure counts."""
    return qs.filter(due_on__gte=first, due_on__lte=last).exclude(status=ItemStatus.CANCELLED)
