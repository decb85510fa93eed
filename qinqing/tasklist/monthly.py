"""The monthly report (月度通报): every visible task of the year as it stood at the end of
the month, with this month's plan, reports and leaders' comments. The page, the print
view, the Excel file and the API read the same rows."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from qinqing.tasklist import selectors
from qinqing.tasklist.models import (
    Comment,
    Indicator,
    PlanStep,
    Report,
    Task,
    TaskEscalation,
    TaskStatus,
)
from qinqing.tasklist.transitions import TASK_STATUS_ZH
from qinqing.workdays.calendar import CHINA

ACTION_ZH = {"remind": "提醒", "urge": "催办", "supervise": "督办", "report": "通报"}


@dataclass
class TaskLine:
    task: Task
    state: str  # 按期完成 / 超期完成 / 已超期 / 推进中 / 已撤销
    achieved: Decimal | None
    plan: str
    reports: list[str]
    comments: list[str]
    escalation: str

    @property
    def progress(self) -> float | None:
        if self.achieved is None or not self.task.target_value:
            return None
        return min(float(self.achieved / self.task.target_value), 1.0)


@dataclass
class IndicatorBlock:
    indicator: Indicator
    lines: list[TaskLine] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for line in self.lines if line.state in ("按期完成", "超期完成"))

    @property
    def overdue(self) -> int:
        return sum(1 for line in self.lines if line.state == "已超期")


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1, tzinfo=CHINA)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=CHINA)
    return start, end


def state_at(task: Task, moment: dt.datetime) -> str:
    if task.status == TaskStatus.CANCELLED:
        return TASK_STATUS_ZH[TaskStatus.CANCELLED]
    if task.completed_at is not None and task.completed_at < moment:
        return "按期完成" if task.completed_on_time else "超期完成"
    if task.due_at < min(moment, timezone.now()):
        return "已超期"
    return "推进中"


def _comment_text(c: Comment) -> str:
    return f"{c.author}：{c.text}"


def build(user: Any, year: int, month: int) -> list[IndicatorBlock]:
    start, end = month_bounds(year, month)
    tasks = list(
        selectors.tasks_visible_to(user)
        .filter(indicator__year=year, created_at__lt=end)
        .select_related("indicator", "indicator__lead_department", "lead_unit")
        .prefetch_related("units")
        .order_by("indicator__number", "due_on", "pk")
    )
    ids = [t.pk for t in tasks]
    achieved: dict[int, Decimal] = {}
    for task_id, value in (
        Report.objects.filter(task_id__in=ids, created_at__lt=end, achieved_value__isnull=False)
        .order_by("created_at", "pk")
        .values_list("task_id", "achieved_value")
    ):
        if value is not None:
            achieved[task_id] = value
    month_reports: dict[int, list[str]] = defaultdict(list)
    for report in Report.objects.filter(
        task_id__in=ids, created_at__gte=start, created_at__lt=end
    ).order_by("created_at", "pk"):
        day = timezone.localtime(report.created_at)
        month_reports[report.task_id].append(f"{day.month}月{day.day}日：{report.text}")
    plans = {p.task_id: p.milestone for p in PlanStep.objects.filter(task_id__in=ids, month=month)}
    comments = (
        Comment.objects.filter(year=year, month=month)
        .filter(
            Q(task_id__in=ids)
            | Q(task__isnull=True, indicator_id__in={t.indicator_id for t in tasks})
        )
        .select_related("author")
    )
    task_comments: dict[int, list[str]] = defaultdict(list)
    indicator_comments: dict[int, list[str]] = defaultdict(list)
    for c in comments.order_by("created_at"):
        if c.task_id:
            task_comments[c.task_id].append(_comment_text(c))
        elif c.indicator_id:
            indicator_comments[c.indicator_id].append(_comment_text(c))
    escalations: dict[int, str] = {}
    for esc in (
        TaskEscalation.objects.filter(task_id__in=ids, sent_at__lt=end)
        .select_related("step")
        .order_by("step__level")
    ):
        escalations[esc.task_id] = ACTION_ZH.get(esc.step.action, esc.step.action)
    blocks: dict[int, IndicatorBlock] = {}
    for task in tasks:
        block = blocks.setdefault(
            task.indicator_id,
            IndicatorBlock(task.indicator, comments=indicator_comments.get(task.indicator_id, [])),
        )
        block.lines.append(
            TaskLine(
                task=task,
                state=state_at(task, end),
                achieved=achieved.get(task.pk),
                plan=plans.get(task.pk, ""),
                reports=month_reports.get(task.pk, []),
                comments=task_comments.get(task.pk, []),
                escalation=escalations.get(task.pk, ""),
            )
        )
    return list(blocks.values())


HEADER = [
    "序号",
    "指标",
    "指标牵头部门",
    "任务",
    "牵头单位",
    "责任单位",
    "完成时限",
    "目标",
    "累计完成",
    "完成进度",
    "本月计划",
    "本月进展",
    "状态",
    "预警督办",
    "领导讲评",
]


def rows(blocks: list[IndicatorBlock]) -> list[list[Any]]:
    out: list[list[Any]] = []
    n = 0
    for block in blocks:
        for line in block.lines:
            n += 1
            t = line.task
            out.append(
                [
                    n,
                    f"{block.indicator.number}. {block.indicator.name}",
                    block.indicator.lead_department.name,
                    t.title,
                    t.lead_unit.name,
                    "、".join(u.name for u in t.units.all() if u.pk != t.lead_unit_id),
                    f"{t.due_on.year}年{t.due_on.month}月{t.due_on.day}日",
                    f"{t.target_value.normalize():f} {t.target_unit}",
                    f"{line.achieved.normalize():f}" if line.achieved is not None else "",
                    f"{line.progress:.0%}" if line.progress is not None else "",
                    line.plan,
                    "\n".join(line.reports),
                    line.state,
                    line.escalation,
                    "\n".join([*block.comments, *line.comments]),
                ]
            )
    return out
