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

from qinqing.core.models import AppendOnlyModel, EventBase, TimeStampedModel


class Scheme(TimeStampedModel):  # 考核方案
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return self.name


class UnitType(models.TextChoices):  # 单位类别 (Yongchuan: items by unit type)
    KEY = "key", _("Key unit")  # 重点单位
    GENERAL = "general", _("General unit")  # 一般单位
    TOWN = "town", _("Town or street")  # 镇街


class Dimension(models.Model):  # 评价维度 (Luohe: 5 dimensions)
    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("scheme")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="dimension_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AssessedUnit(TimeStampedModel):  # 被考核单位, typed per scheme
    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="units", verbose_name=_("scheme")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    unit_type = models.CharField(_("unit type"), max_length=8, choices=UnitType.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["scheme", "unit_type", "organisation__name"]
        verbose_name = _("assessed unit")
        verbose_name_plural = _("assessed units")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "organisation"], name="assessedunit_once_per_scheme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_unit_type_display()})"


class IndicatorKind(models.TextChoices):
    BASE = "base", _("Base score from a figure")  # 基础分
    ADJUST = "adjust", _("Plus or minus points from a figure")  # 加减分
    MANUAL = "manual", _("Points entered with evidence")  # 人工评分


class Indicator(TimeStampedModel):  # 考核指标
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    dimension = models.ForeignKey(
        Dimension,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("dimension"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    # the unit types the indicator applies to; empty: every unit (the base score)
    unit_types = models.JSONField(_("unit types"), default=list, blank=True)
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

    def applies_to(self, unit_type: str) -> bool:
        return not self.unit_types or unit_type in self.unit_types


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


class ScoreSheet(AppendOnlyModel):  # 月度考核结果（冻结）, one version
    """A month's scores frozen as published. A correction is a new version with a reason;
    earlier versions stay (append-only, refused by a trigger on PostgreSQL)."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("scheme")
    )
    period = models.DateField(_("month"))  # first day of the month
    version = models.PositiveSmallIntegerField(_("version"))
    reason = models.TextField(_("reason"), blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("frozen by"),
    )

    class Meta:
        ordering = ["scheme", "-period", "-version"]
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period", "version"], name="scoresheet_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.period:%Y年%m月} v{self.version}"


class SheetUnit(AppendOnlyModel):  # one unit's total and rank in a frozen sheet
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.PROTECT, related_name="units", verbose_name=_("score sheet")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    unit_type = models.CharField(_("unit type"), max_length=8, choices=UnitType.choices)
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"))  # within the unit type

    class Meta:
        ordering = ["sheet", "unit_type", "rank", "id"]
        verbose_name = _("frozen unit score")
        verbose_name_plural = _("frozen unit scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "organisation"], name="sheetunit_unique")
        ]


class SheetLine(AppendOnlyModel):  # one indicator's line of a unit in a frozen sheet
    unit = models.ForeignKey(
        SheetUnit, on_delete=models.PROTECT, related_name="lines", verbose_name=_("unit")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    value = models.FloatField(_("value"), null=True)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)
    how = models.TextField(_("how the points were made"))

    class Meta:
        ordering = ["unit", "id"]
        verbose_name = _("frozen score line")
        verbose_name_plural = _("frozen score lines")
