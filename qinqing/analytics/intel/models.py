"""Intelligence tables: the routing model's versions and table, operator corrections, hot-spot
runs, monthly topics (每月一题) and seasonal warnings (未诉先办). Imported at the end of
analytics/models.py so that Django finds them in the analytics app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import EventBase, TimeStampedModel

__all__ = [
    "Hotspot",
    "HotspotRun",
    "MonthlyTopic",
    "MonthlyTopicEvent",
    "RouterVersion",
    "RoutingCorrection",
    "RoutingRule",
    "SeasonalWarning",
]


class RouterVersion(models.Model):  # 分诊模型版本
    version = models.PositiveIntegerField(_("version"), unique=True)
    file_path = models.CharField(_("model file"), max_length=500)
    source = models.CharField(_("trained from"), max_length=200)
    trained_at = models.DateTimeField(_("trained at"))
    n_train = models.PositiveIntegerField(_("training rows"))
    labels = models.JSONField(_("categories"), default=list)
    report = models.JSONField(_("evaluation report"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("router version")
        verbose_name_plural = _("router versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="router_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def macro_f1(self) -> float | None:
        return (self.report or {}).get("macro_f1")


class RoutingRule(models.Model):  # 分类 × 区划 → 承办单位
    """Blank division: the rule applies everywhere unless a division's own rule exists."""

    category = models.ForeignKey(
        "appeals.Category", on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    division = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("division"),
    )
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("department"),
    )

    class Meta:
        ordering = ["category__code", "division__path"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "division"], name="routing_rule_unique"),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(division__isnull=True),
                name="routing_rule_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.division or '*'} → {self.department}"


class RoutingCorrection(models.Model):  # 分诊纠正: training data
    appeal = models.OneToOneField(
        "appeals.Appeal", on_delete=models.CASCADE, related_name="+", verbose_name=_("appeal")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description"))
    suggested_label = models.CharField(_("suggested category"), max_length=60)
    suggested_confidence = models.FloatField(_("confidence"))
    chosen_label = models.CharField(_("chosen category"), max_length=60)
    router_version = models.ForeignKey(
        RouterVersion, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("routing correction")
        verbose_name_plural = _("routing corrections")

    def __str__(self) -> str:
        return f"{self.suggested_label} → {self.chosen_label}"


class HotspotRun(models.Model):  # 热点计算批次
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    division = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    n_appeals = models.PositiveIntegerField(default=0)
    n_topics = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("hot-spot run")
        verbose_name_plural = _("hot-spot runs")
        constraints = [
            # one run waiting or computing per division and period: a double click or a
            # retried request reuses it
            models.UniqueConstraint(
                fields=["division", "period_start", "period_end"],
                condition=models.Q(state__in=["pending", "running"]),
                name="hotspot_run_one_in_flight",
            )
        ]

    def __str__(self) -> str:
        return f"{self.division} {self.period_start}–{self.period_end}"


class Hotspot(models.Model):  # 热点
    run = models.ForeignKey(HotspotRun, on_delete=models.CASCADE, related_name="hotspots")
    rank = models.PositiveIntegerField()
    label = models.CharField(_("topic"), max_length=200)
    keywords = models.JSONField(default=list)
    count = models.PositiveIntegerField(_("appeals"))
    supporters = models.PositiveIntegerField(_("distinct requesters"))
    likes = models.PositiveIntegerField(default=0)
    places = models.JSONField(default=list)
    departments = models.JSONField(default=list)
    first_date = models.DateField(null=True)
    last_date = models.DateField(null=True)
    growth = models.FloatField()
    score = models.FloatField()
    appeal_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "rank"], name="hotspot_run_rank_unique")
        ]

    def __str__(self) -> str:
        return self.label


class MonthlyTopic(TimeStampedModel):  # 每月一题
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    title = models.CharField(_("title"), max_length=200)
    month = models.DateField(_("month"))  # the first day of the month
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner department"),
    )
    goal = models.TextField(_("goal"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    hotspot = models.ForeignKey(
        Hotspot, null=True, blank=True, on_delete=models.SET_NULL, related_name="topics"
    )
    division = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("monthly topic")
        verbose_name_plural = _("monthly topics")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "month", "title"], name="monthly_topic_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"


class MonthlyTopicEvent(EventBase):  # 每月一题时间线
    topic = models.ForeignKey(MonthlyTopic, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        indexes = [models.Index(fields=["topic", "at"], name="monthly_topic_event_at")]


class SeasonalWarning(models.Model):  # 季节性预警 (未诉先办)
    topic = models.CharField(_("topic"), max_length=100)
    kind = models.CharField(max_length=10)  # "category" or "term"
    months = models.JSONField(_("months"), default=list)
    season_start = models.DateField(_("season starts"))
    year = models.PositiveSmallIntegerField()
    years_seen = models.JSONField(default=list)
    typical_count = models.FloatField(default=0)
    departments = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="+", verbose_name=_("departments")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["season_start", "topic"]
        verbose_name = _("seasonal warning")
        verbose_name_plural = _("seasonal warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "topic", "season_start"], name="seasonal_warning_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.season_start:%Y-%m} {self.topic}"
