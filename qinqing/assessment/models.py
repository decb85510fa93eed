"""考核评价: schemes of indicators, scored per department and period.

An indicator either reads a platform figure (assessment.figures registry) or takes
points entered by hand with evidence. BASE indicators give `weight × value` points
(Yongchuan: enterprise satisfaction is every unit's base score); ADJUST indicators give
plus or minus points for the distance from a target; MANUAL indicators take the points
entered for the month, within [min_points, max_points].
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import EventBase, TimeStampedModel


class Scheme(TimeStampedModel):  # 考核方案
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return self.name


class IndicatorKind(models.TextChoices):
    BASE = "base", _("Base score from a figure")  # 基础分
    ADJUST = "adjust", _("Plus or minus points from a figure")  # 加减分
    MANUAL = "manual", _("Points entered with evidence")  # 人工评分


class Indicator(TimeStampedModel):  # 考核指标
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=IndicatorKind.choices)
    figure = models.CharField(_("figure"), max_length=40, blank=True)
    lead_department = models.ForeignKey(  # 牵头单位
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead department"),
    )
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=6, decimal_places=4, null=True, blank=True)
    points_per_percent = models.DecimalField(
        _("points per percentage point"), max_digits=6, decimal_places=3, default=0
    )
    min_points = models.DecimalField(_("minimum points"), max_digits=6, decimal_places=2, default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2, default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


def _evidence_path(instance: "ManualEntry", filename: str) -> str:
    return f"assessment/{instance.period:%Y%m}/{instance.indicator_id}-{instance.department_id}-{filename}"


class ManualEntry(TimeStampedModel):  # 人工评分, with evidence
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="entries")
    department = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    period = models.DateField(_("month"))  # first day of the month
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    notes = models.TextField(_("evidence notes"))
    evidence = models.FileField(_("evidence file"), upload_to=_evidence_path, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period", "indicator", "department"]
        verbose_name = _("manual entry")
        verbose_name_plural = _("manual entries")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "department", "period"], name="manualentry_once_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.period:%Y年%m月} {self.indicator}"


class AssessmentEvent(EventBase):  # timeline of manual entries
    entry = models.ForeignKey(ManualEntry, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")
