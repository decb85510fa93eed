"""营商环境指标与任务: a year's indicators with their lead departments, the tasks under
them (responsible units, deadline, monthly plan, measurable target), progress reports
with evidence, escalations on the appeals' ladder, leaders' monthly comments (月讲评),
and inspection findings (专项巡察 / 暗访 / 督查) rectified on a working-day clock.

The task list sits beside liaison: it links to appeals' escalation ladder and to the
organisation tree; nothing below links back."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import EventBase, TimeStampedModel

USER = settings.AUTH_USER_MODEL
ORG = "accounts.Organisation"


class Indicator(TimeStampedModel):  # 营商环境指标
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    lead_department = models.ForeignKey(
        ORG, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead department")
    )

    class Meta:
        ordering = ["year", "number", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="tasklist_indicator_name"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class TaskStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")  # 推进中
    DONE = "done", _("Completed")  # 已完成
    CANCELLED = "cancelled", _("Cancelled")  # 已撤销


class ReportCycle(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")  # 周报送
    MONTHLY = "monthly", _("Monthly")  # 月报送


class Task(TimeStampedModel):  # 营商环境任务
    """Overdue is derived: active and `due_at` passed. `due_at` is the end of `due_on`
    (China time), the moment the appeals' ladder counts from."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("indicator")
    )
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(
        ORG, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit")
    )
    units = models.ManyToManyField(  # type: ignore[var-annotated]
        ORG, blank=True, related_name="+", verbose_name=_("other responsible units")
    )
    due_on = models.DateField(_("deadline"))
    due_at = models.DateTimeField(editable=False)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_unit = models.CharField(_("unit of measure"), max_length=20)
    target_text = models.CharField(_("target described"), max_length=200, blank=True)
    achieved_value = models.DecimalField(
        _("achieved"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cycle = models.CharField(
        _("reporting cycle"), max_length=8, choices=ReportCycle.choices, default="monthly"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.ACTIVE
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator__number", "due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
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
    month = models.PositiveSmallIntegerField(_("month"))  # 1..12 of the indicator's year
    milestone = models.CharField(_("planned milestone"), max_length=200)
    planned_value = models.DecimalField(
        _("planned figure"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["month"]
        verbose_name = _("monthly plan step")
        verbose_name_plural = _("monthly plan")
        constraints = [
            models.UniqueConstraint(fields=["task", "month"], name="tasklist_plan_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month}: {self.milestone}"


class Report(TimeStampedModel):  # 进展报送
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField(_("period"))  # the Monday or the 1st the report covers
    text = models.TextField(_("progress"))
    achieved_value = models.DecimalField(
        _("achieved"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    completes = models.BooleanField(_("reports completion"), default=False)
    unit = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
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
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

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
        constraints = [
            models.UniqueConstraint(fields=["task", "step"], name="tasklist_escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.step_id}"


class Comment(TimeStampedModel):  # 月讲评
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    text = models.TextField(_("comment"))
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-month", "-created_at"]
        verbose_name = _("leader's comment")
        verbose_name_plural = _("leaders' comments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(task__isnull=False) | models.Q(indicator__isnull=False),
                name="tasklist_comment_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class FindingSource(models.TextChoices):
    INSPECTION = "inspection", _("Special inspection")  # 专项巡察
    UNANNOUNCED = "unannounced", _("Unannounced visit")  # 暗访
    SUPERVISION = "supervision", _("Supervision check")  # 督查


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To rectify")  # 待整改
    SUBMITTED = "submitted", _("Rectification submitted")  # 已报整改
    ACCEPTED = "accepted", _("Rectified")  # 整改通过
    RETURNED = "returned", _("Returned")  # 退回重改


class Finding(TimeStampedModel):  # 巡察/暗访/督查发现的问题 and its rectification case
    number = models.CharField(_("number"), max_length=20, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=FindingSource.choices)
    organisation = models.ForeignKey(
        ORG, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    title = models.CharField(_("problem"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    found_on = models.DateField(_("found on"))
    limit_days = models.PositiveSmallIntegerField(_("working days to rectify"))
    due_at = models.DateTimeField(_("rectify by"))
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    inspector = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def rectified_on_time(self) -> bool:
        return self.rectified_at is not None and self.rectified_at <= self.due_at


class Submission(TimeStampedModel):  # 整改报告 and its review
    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="submissions")
    text = models.TextField(_("what was rectified"))
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices, default="pending")
    review_note = models.TextField(_("review"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.decision}"


class TasklistEvent(EventBase):
    """Timeline of tasks and findings; `subject` is "task:<id>" or "finding:<id>"."""

    subject = models.CharField(max_length=40, db_index=True)

    class Meta(EventBase.Meta):
        verbose_name = _("task list event")
        verbose_name_plural = _("task list events")
