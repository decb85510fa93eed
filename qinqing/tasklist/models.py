"""营商环境指标与任务: a year's indicators with their lead departments, the tasks under
them (responsible units, deadline, monthly plan, measurable target), progress reports
with evidence, escalations on the appeals' ladder, leaders' monthly comments (月讲评),
and inspection findings (专项巡察 / 暗访 / 督查) rectified on a working-day clock.

The task list sits beside liaison: it links to appeals' escalation ladder and to the
organisation tree; nothing below links back."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from qinqing.core.models import EventBase, TimeStampedModel

USER = settings.AUTH_USER_MODEL
ORG = "accounts.Organisation"


class Indicator(TimeStampedModel):  # 营商环境指标
    year = models.PositiveSmallIntegerField(pgettext_lazy("tasklist", "year"))
    number = models.PositiveSmallIntegerField(pgettext_lazy("tasklist", "number"))
    name = models.CharField(pgettext_lazy("tasklist", "name"), max_length=60)
    lead_department = models.ForeignKey(
        ORG,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("tasklist", "lead department"),
    )

    class Meta:
        ordering = ["year", "number", "id"]
        verbose_name = pgettext_lazy("tasklist", "indicator")
        verbose_name_plural = pgettext_lazy("tasklist", "indicators")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="tasklist_indicator_name"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class TaskStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("tasklist", "In progress")  # 推进中
    DONE = "done", pgettext_lazy("tasklist", "Completed")  # 已完成
    CANCELLED = "cancelled", pgettext_lazy("tasklist", "Cancelled")  # 已撤销


class ReportCycle(models.TextChoices):
    WEEKLY = "weekly", pgettext_lazy("tasklist", "Weekly")  # 周报送
    MONTHLY = "monthly", pgettext_lazy("tasklist", "Monthly")  # 月报送


class Task(TimeStampedModel):  # 营商环境任务
    """Overdue is derived: active and `due_at` passed. `due_at` is the end of `due_on`
    (China time), the moment the appeals' ladder counts from."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=pgettext_lazy("tasklist", "indicator"),
    )
    title = models.CharField(pgettext_lazy("tasklist", "task"), max_length=200)
    description = models.TextField(pgettext_lazy("tasklist", "description"), blank=True)
    lead_unit = models.ForeignKey(
        ORG,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("tasklist", "lead unit"),
    )
    units = models.ManyToManyField(  # type: ignore[var-annotated]
        ORG,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("tasklist", "other responsible units"),
    )
    due_on = models.DateField(pgettext_lazy("tasklist", "deadline"))
    due_at = models.DateTimeField(editable=False)
    target_value = models.DecimalField(
        pgettext_lazy("tasklist", "target"), max_digits=14, decimal_places=2
    )
    target_unit = models.CharField(pgettext_lazy("tasklist", "unit of measure"), max_length=20)
    target_text = models.CharField(
        pgettext_lazy("tasklist", "target described"), max_length=200, blank=True
    )
    achieved_value = models.DecimalField(
        pgettext_lazy("tasklist", "achieved"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    cycle = models.CharField(
        pgettext_lazy("tasklist", "reporting cycle"),
        max_length=8,
        choices=ReportCycle.choices,
        default="monthly",
    )
    status = models.CharField(
        pgettext_lazy("tasklist", "status"),
        max_length=10,
        choices=TaskStatus.choices,
        default=TaskStatus.ACTIVE,
    )
    completed_at = models.DateTimeField(
        pgettext_lazy("tasklist", "completed at"), null=True, blank=True
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator__number", "due_on", "id"]
        verbose_name = pgettext_lazy("tasklist", "task")
        verbose_name_plural = pgettext_lazy("tasklist", "tasks")
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["lead_unit"])]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> float | None:
        """Achieved ÷ target, capped at 1 (None before the first figure)."""
        if self.achieved_value is None or not self.target_value:
            return None
        return min(float(self.achieved_value / self.target_value), 1.0)

    @property
    def completed_on_time(self) -> bool:
        return self.completed_at is not None and self.completed_at <= self.due_at


class PlanStep(models.Model):  # 月度计划
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="plan")
    month = models.PositiveSmallIntegerField(
        pgettext_lazy("tasklist", "month")
    )  # 1..12 of the indicator's year
    milestone = models.CharField(pgettext_lazy("tasklist", "planned milestone"), max_length=200)
    planned_value = models.DecimalField(
        pgettext_lazy("tasklist", "planned figure"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["month"]
        verbose_name = pgettext_lazy("tasklist", "monthly plan step")
        verbose_name_plural = pgettext_lazy("tasklist", "monthly plan")
        constraints = [
            models.UniqueConstraint(fields=["task", "month"], name="tasklist_plan_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month}: {self.milestone}"


class Report(TimeStampedModel):  # 进展报送
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField(
        pgettext_lazy("tasklist", "period")
    )  # the Monday or the 1st the report covers
    text = models.TextField(pgettext_lazy("tasklist", "progress"))
    achieved_value = models.DecimalField(
        pgettext_lazy("tasklist", "achieved"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    completes = models.BooleanField(pgettext_lazy("tasklist", "reports completion"), default=False)
    unit = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = pgettext_lazy("tasklist", "progress report")
        verbose_name_plural = pgettext_lazy("tasklist", "progress reports")
        indexes = [models.Index(fields=["task", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period_start}"


def _evidence_path(instance: "Evidence", filename: str) -> str:
    return f"tasklist/{instance.report.task_id}/{instance.token}{Path(filename).suffix.lower()}"


class Evidence(models.Model):
    """A file under MEDIA_ROOT (outside the web root), served by a view that checks access."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=_evidence_path, max_length=200)
    name = models.CharField(pgettext_lazy("tasklist", "file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = pgettext_lazy("tasklist", "evidence file")
        verbose_name_plural = pgettext_lazy("tasklist", "evidence files")

    def __str__(self) -> str:
        return self.name


class TaskEscalation(models.Model):
    """One rung of the appeals' ladder sent for one task: the unique pair makes every
    step go out exactly once, however many sweeps run."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="escalations")
    step = models.ForeignKey("appeals.EscalationStep", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = pgettext_lazy("tasklist", "task escalation")
        verbose_name_plural = pgettext_lazy("tasklist", "task escalations")
        constraints = [
            models.UniqueConstraint(fields=["task", "step"], name="tasklist_escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.step_id}"


class Comment(TimeStampedModel):  # 月讲评
    year = models.PositiveSmallIntegerField(pgettext_lazy("tasklist", "year"))
    month = models.PositiveSmallIntegerField(pgettext_lazy("tasklist", "month"))
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    text = models.TextField(pgettext_lazy("tasklist", "comment"))
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-month", "-created_at"]
        verbose_name = pgettext_lazy("tasklist", "leader's comment")
        verbose_name_plural = pgettext_lazy("tasklist", "leaders' comments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(task__isnull=False) | models.Q(indicator__isnull=False),
                name="tasklist_comment_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class FindingSource(models.TextChoices):
    INSPECTION = "inspection", pgettext_lazy("tasklist", "Special inspection")  # 专项巡察
    UNANNOUNCED = "unannounced", pgettext_lazy("tasklist", "Unannounced visit")  # 暗访
    SUPERVISION = "supervision", pgettext_lazy("tasklist", "Supervision check")  # 督查


class FindingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("tasklist", "To rectify")  # 待整改
    SUBMITTED = "submitted", pgettext_lazy("tasklist", "Rectification submitted")  # 已报整改
    ACCEPTED = "accepted", pgettext_lazy("tasklist", "Rectified")  # 整改通过
    RETURNED = "returned", pgettext_lazy("tasklist", "Returned")  # 退回重改


class Finding(TimeStampedModel):  # 巡察/暗访/督查发现的问题 and its rectification case
    number = models.CharField(pgettext_lazy("tasklist", "number"), max_length=20, unique=True)
    source = models.CharField(
        pgettext_lazy("tasklist", "source"), max_length=12, choices=FindingSource.choices
    )
    organisation = models.ForeignKey(
        ORG,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("tasklist", "unit"),
    )
    title = models.CharField(pgettext_lazy("tasklist", "problem"), max_length=200)
    detail = models.TextField(pgettext_lazy("tasklist", "detail"), blank=True)
    found_on = models.DateField(pgettext_lazy("tasklist", "found on"))
    limit_days = models.PositiveSmallIntegerField(
        pgettext_lazy("tasklist", "working days to rectify")
    )
    due_at = models.DateTimeField(pgettext_lazy("tasklist", "rectify by"))
    status = models.CharField(
        pgettext_lazy("tasklist", "status"),
        max_length=10,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
    )
    rectified_at = models.DateTimeField(
        pgettext_lazy("tasklist", "rectified at"), null=True, blank=True
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    inspector = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("tasklist", "inspector"),
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = pgettext_lazy("tasklist", "inspection finding")
        verbose_name_plural = pgettext_lazy("tasklist", "inspection findings")
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def rectified_on_time(self) -> bool:
        return self.rectified_at is not None and self.rectified_at <= self.due_at


class Submission(TimeStampedModel):  # 整改报告 and its review
    class Decision(models.TextChoices):
        PENDING = "pending", pgettext_lazy("tasklist", "Pending review")
        ACCEPTED = "accepted", pgettext_lazy("tasklist", "Accepted")
        RETURNED = "returned", pgettext_lazy("tasklist", "Returned")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="submissions")
    text = models.TextField(pgettext_lazy("tasklist", "what was rectified"))
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices, default="pending")
    review_note = models.TextField(pgettext_lazy("tasklist", "review"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = pgettext_lazy("tasklist", "rectification report")
        verbose_name_plural = pgettext_lazy("tasklist", "rectification reports")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.decision}"


class TasklistEvent(EventBase):
    """Timeline of tasks and findings; `subject` is "task:<id>" or "finding:<id>"."""

    subject = models.CharField(pgettext_lazy("tasklist", "subject"), max_length=40, db_index=True)

    class Meta(EventBase.Meta):
        verbose_name = pgettext_lazy("tasklist", "task list event")
        verbose_name_plural = pgettext_lazy("tasklist", "task list events")
