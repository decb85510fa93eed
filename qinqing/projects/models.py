"""投资项目 and their approval chain (一链审批): the stages from 立项 to 投产, the matters
(办件) that make each stage, the weekly schedule (周调度) and the project's timeline."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import EventBase, TimeStampedModel

MAX_INVESTMENT = Decimal("99999999.99")  # 万元: a trillion yuan is not a district project


class ProjectType(models.TextChoices):
    GOVERNMENT = "government", _("Government investment")  # 政府投资
    ENTERPRISE = "enterprise", _("Enterprise investment")  # 企业投资


class PermitMode(models.TextChoices):  # 施工许可: one permit, or three in stages
    ONE = "one", _("One construction permit")
    THREE = "three", _("Construction permits in three stages")


class Stage(models.TextChoices):  # 审批阶段
    ESTABLISH = "establish", _("Project establishment")  # 立项
    LAND = "land", _("Land for the project")  # 用地
    PLANNING = "planning", _("Planning permit")  # 规划许可
    PERMIT = "permit", _("Construction permit")  # 施工许可
    PERMIT_EARTHWORK = "permit_earthwork", _("Construction permit: excavation and shoring")
    PERMIT_PILING = "permit_piling", _("Construction permit: piling")
    PERMIT_MAIN = "permit_main", _("Construction permit: main structure")
    COMPLETION = "completion", _("Completion acceptance")  # 竣工验收
    PRODUCTION = "production", _("In production")  # 投产


PERMIT_STAGES = (Stage.PERMIT, Stage.PERMIT_EARTHWORK, Stage.PERMIT_PILING, Stage.PERMIT_MAIN)
DONE = "done"  # a project's `stage` once the whole chain is finished


def chain_for(mode: str) -> list[str]:
    """The stages of a project's chain, in order."""
    permits = (
        [Stage.PERMIT_EARTHWORK, Stage.PERMIT_PILING, Stage.PERMIT_MAIN]
        if mode == PermitMode.THREE
        else [Stage.PERMIT]
    )
    return [
        Stage.ESTABLISH,
        Stage.LAND,
        Stage.PLANNING,
        *permits,
        Stage.COMPLETION,
        Stage.PRODUCTION,
    ]


STAGE_NAMES: dict[str, str] = {
    Stage.ESTABLISH: "立项",
    Stage.LAND: "用地",
    Stage.PLANNING: "规划许可",
    Stage.PERMIT: "施工许可",
    Stage.PERMIT_EARTHWORK: "施工许可（土方开挖和基坑支护）",
    Stage.PERMIT_PILING: "施工许可（桩基工程）",
    Stage.PERMIT_MAIN: "施工许可（主体工程）",
    Stage.COMPLETION: "竣工验收",
    Stage.PRODUCTION: "投产",
    DONE: "已投产",
}


# reform flags: field name -> label (承诺制, 区域评估成果共享, 容缺, 先建后验, 绿色通道, 并联审批)
FLAGS: dict[str, str] = {
    "commitment": "承诺制",
    "shared_assessment": "区域评估成果共享",
    "tolerance": "容缺受理",
    "build_first": "先建后验",
    "green_channel": "绿色通道",
    "parallel": "并联审批",
}


class Project(TimeStampedModel):  # 投资项目
    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("owner enterprise"),
    )
    project_type = models.CharField(_("project type"), max_length=12, choices=ProjectType.choices)
    standard_land = models.BooleanField(_("standard land"), default=False)  # 标准地
    lead_department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("project lead department"),
    )
    division = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("street or town"),
    )
    investment = models.DecimalField(
        _("investment (10k yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_INVESTMENT)],
    )
    permit_mode = models.CharField(
        _("construction permit"), max_length=5, choices=PermitMode.choices, default=PermitMode.ONE
    )
    commitment = models.BooleanField(_("commitment system"), default=False)
    shared_assessment = models.BooleanField(_("shared regional assessment"), default=False)
    tolerance = models.BooleanField(_("accepted with missing material"), default=False)
    build_first = models.BooleanField(_("build first, inspect later"), default=False)
    green_channel = models.BooleanField(_("green channel"), default=False)
    parallel = models.BooleanField(_("parallel approval"), default=False)
    stage = models.CharField(  # the first unfinished stage (DONE when all are), kept by services
        _("current stage"), max_length=20, default=Stage.ESTABLISH, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        indexes = [models.Index(fields=["lead_department", "stage"], name="project_lead_stage")]

    def __str__(self) -> str:
        return self.name

    @property
    def chain(self) -> list[str]:
        return chain_for(self.permit_mode)

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES.get(self.stage, self.stage)

    @property
    def flags(self) -> list[str]:
        return [label for name, label in FLAGS.items() if getattr(self, name)]


class ProjectMatter(models.Model):  # 阶段办件: a matter that makes a stage
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("investment project"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    matter = models.OneToOneField(
        "catalog.Matter",
        on_delete=models.PROTECT,
        related_name="project_link",
        verbose_name=_("stage matter"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        ordering = ["project_id", "id"]
        verbose_name = _("stage matter")
        verbose_name_plural = _("stage matters")
        indexes = [models.Index(fields=["project", "stage"], name="project_matter_stage")]

    def __str__(self) -> str:
        return f"{self.project_id} · {STAGE_NAMES.get(self.stage, self.stage)} · {self.matter_id}"


class ItemStatus(models.TextChoices):
    OPEN = "open", _("Schedule item in progress")  # 推进中
    DONE = "done", _("Schedule item done")  # 已完成
    CANCELLED = "cancelled", _("Schedule item cancelled")  # 已取消


class ScheduleItem(TimeStampedModel):  # 周调度事项
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="schedule",
        verbose_name=_("investment project"),
    )
    week = models.DateField(_("week"), db_index=True)  # the Monday of the 调度 week
    next_step = models.CharField(_("next step"), max_length=300)
    blocker = models.CharField(_("blocker"), max_length=500, blank=True)
    owner_unit = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner unit"),
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner person"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.CharField(_("result of the step"), max_length=500, blank=True)
    appeal = models.ForeignKey(  # the blocker escalated as an appeal (诉求)
        "appeals.Appeal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("schedule item")
        verbose_name_plural = _("schedule items")
        indexes = [
            models.Index(fields=["owner_unit", "due_on"], name="schedule_unit_due"),
            models.Index(fields=["status", "due_on"], name="schedule_status_due"),
        ]

    def __str__(self) -> str:
        return self.next_step

    def is_overdue(self, today: "object") -> bool:
        return self.status == ItemStatus.OPEN and self.due_on < today  # type: ignore[operator]

    @property
    def on_time(self) -> bool:
        return self.status == ItemStatus.DONE and bool(self.done_on and self.done_on <= self.due_on)


class ProjectEvent(EventBase):  # 项目时间线
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("investment project"),
    )

    class Meta(EventBase.Meta):
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        indexes = [models.Index(fields=["project", "at"], name="project_event_project_at")]
