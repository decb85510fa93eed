"""Indicators, tasks, progress reports and leaders' comments."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.core.notify import notify
from qinqing.core.uploads import DOCUMENT_MAGIC, UploadRule, check_uploads, store_upload
from qinqing.tasklist import events, selectors
from qinqing.tasklist.models import (
    Comment,
    Evidence,
    Indicator,
    PlanStep,
    Report,
    ReportCycle,
    Task,
    TaskStatus,
)
from qinqing.tasklist.services.common import clean_number, clean_text, require, unit_staff
from qinqing.tasklist.transitions import check_task
from qinqing.workdays.calendar import CHINA, END_OF_DAY

# The 18 indicators of the national business-environment evaluation (Youxian: "明确 18 个
# 营商环境指标，由指标牵头部门专题统筹协调").
STANDARD_INDICATORS = [
    "开办企业",
    "办理建筑许可",
    "获得电力",
    "获得用水用气",
    "登记财产",
    "获得信贷",
    "保护中小投资者",
    "纳税",
    "跨境贸易",
    "执行合同",
    "办理破产",
    "劳动力市场监管",
    "政府采购",
    "招标投标",
    "政务服务",
    "知识产权创造、保护和运用",
    "市场监管",
    "包容普惠创新",
]
MAX_FILES = 6
MAX_FILE_BYTES = 10 * 1024 * 1024
EVIDENCE = UploadRule(
    field="files",
    noun="文件",
    too_many=f"佐证材料最多 {MAX_FILES} 个。",
    max_count=MAX_FILES,
    max_bytes=MAX_FILE_BYTES,
    size_text="10 MB",
    magic=DOCUMENT_MAGIC,
    kinds_text="PDF、JPG、PNG、Word 和 Excel",
)


@dataclass(frozen=True)
class PlanLine:
    month: int
    milestone: str
    planned_value: Decimal | None = None


def task_url(task: Task) -> str:
    return reverse("tasklist:task", args=[task.pk])


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=CHINA)


# --- indicators ----------------------------------------------------------------------
def create_indicator(
    *, actor: Any, year: int, name: str, lead_department: Organisation, number: int | None = None
) -> Indicator:
    require(selectors.manages(actor), actor, "indicator_create")
    name = clean_text(name, "name", "指标名称", max_length=60)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度应在 2000 到 2100 之间。"})
    with transaction.atomic():
        if Indicator.objects.filter(year=year, name=name).exists():
            raise ValidationError({"name": f"{year} 年已有指标“{name}”。"})
        if number is None:
            number = Indicator.objects.filter(year=year).count() + 1
        return Indicator.objects.create(
            year=year, number=number, name=name, lead_department=lead_department
        )


def set_up_indicators(*, actor: Any, year: int, leads: dict[str, Organisation]) -> list[Indicator]:
    """The year's indicators from the standard list, each with its lead department;
    names the year already has are left as they are. All or nothing."""
    require(selectors.manages(actor), actor, "indicator_create")
    unknown = set(leads) - set(STANDARD_INDICATORS)
    if unknown:
        raise ValidationError({"name": f"不是标准指标：{'、'.join(sorted(unknown))}。"})
    with transaction.atomic():
        existing = set(Indicator.objects.filter(year=year).values_list("name", flat=True))
        return [
            create_indicator(
                actor=actor,
                year=year,
                name=name,
                lead_department=leads[name],
                number=STANDARD_INDICATORS.index(name) + 1,
            )
            for name in STANDARD_INDICATORS
            if name in leads and name not in existing
        ]


# --- tasks ---------------------------------------------------------------------------
def _clean_plan(plan: Iterable[PlanLine]) -> list[PlanLine]:
    lines: list[PlanLine] = []
    seen: set[int] = set()
    for line in plan:
        if not 1 <= line.month <= 12:
            raise ValidationError({"plan": f"月度计划的月份“{line.month}”无效，应为 1 到 12。"})
        if line.month in seen:
            raise ValidationError({"plan": f"{line.month} 月的计划重复。"})
        seen.add(line.month)
        milestone = clean_text(line.milestone, "plan", f"{line.month} 月计划", max_length=200)
        value = clean_number(line.planned_value, "plan", f"{line.month} 月计划值", required=False)
        lines.append(PlanLine(line.month, milestone, value))
    return sorted(lines, key=lambda p: p.month)


def create_task(
    indicator: Indicator,
    *,
    actor: Any,
    title: str,
    lead_unit: Organisation,
    due_on: dt.date,
    target_value: Any,
    target_unit: str,
    units: Sequence[Organisation] = (),
    target_text: str = "",
    description: str = "",
    cycle: str = ReportCycle.MONTHLY,
    plan: Iterable[PlanLine] = (),
) -> Task:
    """下达任务: the office puts a task on the list and tells the responsible units."""
    require(selectors.manages(actor), actor, "task_create", indicator=indicator.pk)
    title = clean_text(title, "title", "任务名称", max_length=200)
    description = clean_text(
        description, "description", "任务说明", max_length=5000, required=False
    )
    target = clean_number(target_value, "target_value", "目标值")
    assert target is not None  # required
    target_unit = clean_text(target_unit, "target_unit", "计量单位", max_length=20)
    target_text = clean_text(target_text, "target_text", "目标说明", max_length=200, required=False)
    if cycle not in ReportCycle.values:
        raise ValidationError({"cycle": "报送周期应为每周或每月。"})
    if due_on.year != indicator.year:
        raise ValidationError({"due_on": f"完成时限应在 {indicator.year} 年内。"})
    lines = _clean_plan(plan)
    with transaction.atomic():
        task = Task.objects.create(
            indicator=indicator,
            title=title,
            description=description,
            lead_unit=lead_unit,
            due_on=due_on,
            due_at=end_of(due_on),
            target_value=target,
            target_unit=target_unit,
            target_text=target_text,
            cycle=cycle,
            created_by=actor,
        )
        others = [u for u in units if u.pk != lead_unit.pk]
        task.units.set(others)
        PlanStep.objects.bulk_create(
            PlanStep(task=task, month=p.month, milestone=p.milestone, planned_value=p.planned_value)
            for p in lines
        )
        events.task_assigned(task, actor=actor)
        notify(
            unit_staff([lead_unit, *others]),
            kind="tasklist.assigned",
            title=f"新的营商环境任务：{title}",
            body=f"完成时限 {due_on.year}年{due_on.month}月{due_on.day}日，"
            f"目标 {target.normalize():f} {target_unit}。",
            url=task_url(task),
            dedupe_key=f"tasklist-assigned:{task.pk}",
        )
    return task


def cancel_task(task: Task, *, actor: Any, note: str) -> Task:
    require(selectors.manages(actor), actor, "task_cancel", task=task.pk)
    note = clean_text(note, "note", "撤销理由", max_length=500)
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        before = task.status
        task.status = check_task("cancel", before)
        task.save(update_fields=["status", "updated_at"])
        events.task_moved(task, "task_cancelled", actor=actor, before=before, note=note)
    return task


# --- progress reports ----------------------------------------------------------------
def period_start(cycle: str, day: dt.date) -> dt.date:
    """The Monday (weekly) or the 1st (monthly) of the period a day falls in."""
    if cycle == ReportCycle.WEEKLY:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def report_progress(
    task: Task,
    *,
    actor: Any,
    text: str,
    achieved_value: Any = None,
    files: Sequence[UploadedFile] = (),
    complete: bool = False,
) -> Report:
    """报送进展 by a member of a responsible unit; `complete` reports the task done and
    needs at least one evidence file."""
    require(selectors.is_responsible(actor, task), actor, "report", task=task.pk)
    text = clean_text(text, "text", "进展情况", max_length=5000)
    value = clean_number(achieved_value, "achieved_value", "完成数值", required=complete)
    check_uploads(files, EVIDENCE)
    if complete and not files:
        raise ValidationError({"files": "报送完成时请上传至少一份佐证材料。"})
    ids = set(selectors.unit_ids(actor))
    unit = task.lead_unit if task.lead_unit_id in ids else task.units.filter(pk__in=ids).first()
    assert unit is not None  # is_responsible said so
    now = timezone.now()
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        before = task.status
        check_task("complete" if complete else "report", before)
        report = Report.objects.create(
            task=task,
            period_start=period_start(task.cycle, timezone.localdate(now)),
            text=text,
            achieved_value=value,
            completes=complete,
            unit=unit,
            reported_by=actor,
        )
        for upload in files:
            store_upload(
                Evidence(report=report),
                upload,
                default_type="application/octet-stream",
                default_name="file",
            )
        fields = ["updated_at"]
        if value is not None:
            task.achieved_value = value
            fields.append("achieved_value")
        events.task_reported(report, actor=actor)
        if complete:
            task.status = TaskStatus.DONE
            task.completed_at = now
            fields += ["status", "completed_at"]
            events.task_moved(task, "task_completed", actor=actor, before=before)
        task.save(update_fields=fields)
    return report


# --- 月讲评 ----------------------------------------------------------------------------
def add_comment(
    *,
    actor: Any,
    text: str,
    year: int,
    month: int,
    task: Task | None = None,
    indicator: Indicator | None = None,
) -> Comment:
    """A leader's monthly comment on a task or an indicator; the units are told."""
    require(selectors.may_comment(actor), actor, "comment")
    if task is None and indicator is None:
        raise ValidationError({"task": "请指定讲评的任务或指标。"})
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError({"month": "讲评月份无效。"})
    text = clean_text(text, "text", "讲评内容", max_length=2000)
    with transaction.atomic():
        comment = Comment.objects.create(
            year=year,
            month=month,
            task=task,
            indicator=indicator if task is None else task.indicator,
            text=text,
            author=actor,
        )
        if task is not None:
            events.task_commented(task, actor=actor, comment_id=comment.pk)
            units = selectors.responsible_units(task)
            url = task_url(task)
            subject = task.title
        else:
            assert indicator is not None
            units = [indicator.lead_department]
            url = reverse("tasklist:indicator", args=[indicator.pk])
            subject = indicator.name
        notify(
            unit_staff(units),
            kind="tasklist.comment",
            title=f"领导讲评（{year}年{month}月）：{subject}",
            body=text[:200],
            url=url,
            dedupe_key=f"tasklist-comment:{comment.pk}",
        )
    return comment
