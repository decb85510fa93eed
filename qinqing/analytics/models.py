"""Analytics tables. The cockpit's daily rollups (驾驶舱预聚合) live here; they are
derived data, rebuilt from the appeals and ratings tables by analytics.cockpit.refresh_*."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealDaily(models.Model):  # 诉求日汇总: appeals received on `day`, by where they went
    day = models.DateField()
    division = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.CASCADE, related_name="+"
    )
    received = models.IntegerField(default=0)
    open = models.IntegerField(default=0)  # still open at refresh time
    overdue = models.IntegerField(default=0)  # open with a clock past due at refresh time
    closed = models.IntegerField(default=0)
    ack_on_time = models.IntegerField(default=0)
    ack_measured = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    close_measured = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    solved_measured = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily appeal rollup")
        verbose_name_plural = _("daily appeal rollups")
        indexes = [
            models.Index(fields=["day", "division"], name="appealdaily_day_div"),
            models.Index(fields=["department", "day"], name="appealdaily_dept_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.division_id} · {self.received}"


class DivisionDaily(models.Model):  # 诉求日汇总 by division only: trends and totals
    day = models.DateField()
    division = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    received = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    ack_on_time = models.IntegerField(default=0)
    ack_measured = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    close_measured = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    solved_measured = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily division rollup")
        verbose_name_plural = _("daily division rollups")
        indexes = [models.Index(fields=["day", "division"], name="divisiondaily_day_div")]

    def __str__(self) -> str:
        return f"{self.day} · {self.division_id} · {self.received}"


class AppealCategoryDaily(models.Model):  # 诉求分类日汇总 (top-level category)
    day = models.DateField()
    division = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "appeals.Category", null=True, on_delete=models.CASCADE, related_name="+"
    )
    received = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily appeal category rollup")
        verbose_name_plural = _("daily appeal category rollups")
        indexes = [models.Index(fields=["day", "division"], name="appealcatdaily_day_div")]

    def __str__(self) -> str:
        return f"{self.day} · {self.category_id} · {self.received}"


class OverviewSnapshot(models.Model):
    """The overview for a standard view (this year, one division), computed right after
    each rollup refresh so every web process serves it without aggregating."""

    key = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("cockpit overview snapshot")
        verbose_name_plural = _("cockpit overview snapshots")

    def __str__(self) -> str:
        return self.key


class RatingDaily(models.Model):  # 好差评日汇总: ratings given on `day`
    day = models.DateField()
    department = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    count = models.IntegerField(default=0)
    good = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    bad = models.IntegerField(default=0)
    rectified = models.IntegerField(default=0)
    called_back = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("daily rating rollup")
        verbose_name_plural = _("daily rating rollups")
        indexes = [models.Index(fields=["day", "department"], name="ratingdaily_day_dept")]

    def __str__(self) -> str:
        return f"{self.day} · {self.department_id} · {self.count}"


class RollupState(models.Model):  # when each rollup was last rebuilt
    name = models.CharField(max_length=40, unique=True)
    refreshed_at = models.DateTimeField()
    day_from = models.DateField(null=True)
    day_to = models.DateField(null=True)
    rows = models.IntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return self.name


from qinqing.analytics.intel.models import *  # noqa: E402,F401,F403  (the intelligence models)
