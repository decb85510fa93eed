"""企业库: one profile per enterprise, keyed by 统一社会信用代码, with the provenance of
every fact. Money is in 万元 (ten thousand yuan), as in the statistics the size rule and
most policies use."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import EventBase, TimeStampedModel
from qinqing.lib.masking import mask_phone
from qinqing.lib.uscc import UsccError, validate_uscc


def validate_uscc_field(value: str) -> None:
    try:
        validate_uscc(value)
    except UsccError as exc:
        raise ValidationError(str(exc)) from exc


class Source(models.TextChoices):  # 数据来源
    MARKET = "market", _("Market regulation")  # 市场监管
    TAX = "tax", _("Tax")  # 税务
    STATS = "stats", _("Statistics")  # 统计
    OFFICER = "officer", _("Officer")  # 工作人员
    SELF = "self", _("Enterprise itself")  # 企业自报


# When sources disagree the first one in the list that has a value wins; the others stay
# visible on the profile. Yearly figures trust statistics, then tax; registration facts
# trust market regulation.
YEAR_FACT_PRECEDENCE = [Source.STATS, Source.TAX, Source.MARKET, Source.OFFICER, Source.SELF]
PROFILE_PRECEDENCE = [Source.MARKET, Source.TAX, Source.STATS, Source.OFFICER, Source.SELF]
GOVERNMENT_SOURCES = frozenset({Source.MARKET, Source.TAX, Source.STATS, Source.OFFICER})


class SizeClass(models.TextChoices):  # 企业规模 (统计上大中小微型企业划分办法 2017)
    LARGE = "large", _("Large")  # 大型
    MEDIUM = "medium", _("Medium")  # 中型
    SMALL = "small", _("Small")  # 小型
    MICRO = "micro", _("Micro")  # 微型
    NOT_APPLICABLE = "na", _("Not applicable")  # 不适用 (industries the rule excludes)
    UNKNOWN = "", _("Unknown")  # facts missing


class TaxCreditRating(models.TextChoices):  # 纳税信用等级
    A = "A", "A"
    B = "B", "B"
    M = "M", "M"
    C = "C", "C"
    D = "D", "D"


class Enterprise(TimeStampedModel):  # 企业
    """The resolved profile: each field holds the value of the highest-precedence source
    (see ProfileClaim for every source's value)."""

    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc_field],
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_form = models.CharField(_("legal form"), max_length=50, blank=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    # indexed by enterprise_div_industry (Meta), which starts with it
    division = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("administrative division"),
        db_index=False,
    )
    industry_code = models.CharField(
        _("industry (GB/T 4754-2017)"),
        max_length=5,
        blank=True,
        help_text=_("门类 letter followed by the 大类/中类/小类 digits, e.g. C3911"),
    )
    tax_credit_rating = models.CharField(
        _("tax credit rating"), max_length=1, choices=TaxCreditRating.choices, blank=True
    )
    is_listed = models.BooleanField(_("listed"), null=True, blank=True)
    serious_dishonesty = models.BooleanField(  # 严重失信主体
        _("on the serious dishonesty list"), null=True, blank=True
    )
    size_class = models.CharField(
        _("size class"), max_length=6, choices=SizeClass.choices, blank=True
    )
    size_basis_year = models.PositiveSmallIntegerField(
        _("size class basis year"), null=True, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    tags = models.ManyToManyField(
        "Tag", blank=True, related_name="enterprises", verbose_name=_("tags")
    )
    # The registered location (WGS-84), for stationed cadres' check-ins.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        # What the registry search needs and no more: every index is written on each
        # import. Industry is matched by prefix and equality only, size class by
        # equality only, division with an industry prefix (PostgreSQL pattern
        # operators; other databases ignore them). Name and code keep Django's pair
        # (ordering, and prefix match), plus enterprise_name_trgm on PostgreSQL (0004).
        indexes = [
            models.Index(
                fields=["division", "industry_code"],
                name="enterprise_div_industry",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["industry_code"],
                name="enterprise_industry",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["size_class"], name="enterprise_size_class"),
        ]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class ProfileClaim(models.Model):
    """One source's value for one profile field (provenance of Enterprise's fields)."""

    # no index of its own: the unique constraint's index starts with enterprise
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, db_index=False, related_name="claims"
    )
    field = models.CharField(_("field"), max_length=40)
    value = models.CharField(_("value"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    as_of = models.DateTimeField(_("as of"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "field", "source"], name="profileclaim_unique"
            )
        ]

    def __str__(self) -> str:
        from qinqing.enterprises.fields import PROFILE_BY_NAME

        spec = PROFILE_BY_NAME.get(self.field)
        value = mask_phone(self.value) if "phone" in self.field else self.value
        return f"{spec.label if spec else self.field}：{value}（{self.get_source_display()}）"


class YearFact(models.Model):
    """One source's yearly figures for an enterprise. Missing is NULL, never zero."""

    # no index of its own: the unique constraint's index starts with enterprise
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, db_index=False, related_name="year_facts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)  # 从业人员
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)  # 研发人员
    revenue = models.DecimalField(  # 营业收入
        _("revenue (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    total_assets = models.DecimalField(  # 资产总额
        _("total assets (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    rd_spending = models.DecimalField(  # 研发费用
        _("R&D spending (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    tax_paid = models.DecimalField(  # 纳税额
        _("tax paid (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    invention_patents = models.PositiveIntegerField(_("invention patents"), null=True, blank=True)
    utility_patents = models.PositiveIntegerField(_("utility model patents"), null=True, blank=True)
    design_patents = models.PositiveIntegerField(_("design patents"), null=True, blank=True)
    software_copyrights = models.PositiveIntegerField(
        _("software copyrights"), null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    NUMERIC_FIELDS = (
        "employees",
        "rd_staff",
        "revenue",
        "total_assets",
        "rd_spending",
        "tax_paid",
        "invention_patents",
        "utility_patents",
        "design_patents",
        "software_copyrights",
    )

    class Meta:
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "source"], name="yearfact_unique")
        ]
        indexes = [models.Index(fields=["year", "source"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} ({self.source})"


class QualificationKind(models.TextChoices):  # 资质
    HIGH_TECH = "high_tech", _("High-tech enterprise")  # 高新技术企业
    SRDI = "srdi", _("Specialised, refined, distinctive and innovative SME")  # 专精特新中小企业
    LITTLE_GIANT = "little_giant", _("Little giant")  # 专精特新"小巨人"
    TECH_SME = "tech_sme", _("Technology-based SME")  # 科技型中小企业
    ABOVE_SCALE = "above_scale", _("Above designated size (industry)")  # 规上工业
    ABOVE_QUOTA = "above_quota", _("Above quota (trade)")  # 限上
    TECH_CENTRE = "tech_centre", _("Enterprise technology centre")  # 企业技术中心
    INNOVATIVE_SME = "innovative_sme", _("Innovative SME")  # 创新型中小企业


class Qualification(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("qualification"), max_length=20, choices=QualificationKind.choices)
    level = models.CharField(
        _("level"), max_length=20, blank=True, help_text=_("national, provincial, city")
    )
    certificate_no = models.CharField(_("certificate number"), max_length=60, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["enterprise", "kind", "-valid_from"]
        indexes = [models.Index(fields=["kind", "valid_from", "valid_to"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "certificate_no", "valid_from"],
                name="qualification_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_from}–{self.valid_to or ''}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    def __str__(self) -> str:
        return self.name


# --- Yearly figures, pools (培育库), monitoring indicators and early warnings --------------


class YearFigure(models.Model):
    """The effective yearly figures of an enterprise (precedence already applied by
    facts.resolve_year_facts), kept so that search can filter a million enterprises by
    revenue with an index. Rewritten by services whenever a YearFact changes."""

    # no index of its own: the unique constraint's index starts with enterprise
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, db_index=False, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("revenue (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    total_assets = models.DecimalField(
        _("total assets (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    revenue_source = models.CharField(_("revenue source"), max_length=8, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="yearfigure_unique")
        ]
        indexes = [models.Index(fields=["year", "revenue"], name="yearfigure_year_revenue")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class Pool(models.Model):  # 培育库 and other named pools
    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pool")
        verbose_name_plural = _("pools")

    def __str__(self) -> str:
        return self.name


class PoolMembership(models.Model):
    """A stay in a pool: entry date and reason, then (once it ends) exit date and reason.
    An enterprise has at most one open stay per pool."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="memberships")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="pool_memberships"
    )
    entered_on = models.DateField(_("entered on"))
    entry_reason = models.CharField(_("entry reason"), max_length=200)
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(_("exit reason"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-entered_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "enterprise"],
                condition=models.Q(exited_on__isnull=True),
                name="poolmembership_one_open",
            )
        ]
        indexes = [models.Index(fields=["pool", "exited_on"], name="poolmembership_pool_open")]

    def __str__(self) -> str:
        return f"{self.pool_id}:{self.enterprise_id} {self.entered_on}"


class Metric(models.TextChoices):  # 运行监测指标
    OUTPUT_VALUE = "output_value", _("Output value (10k yuan)")  # 产值
    REVENUE = "revenue", _("Revenue (10k yuan)")  # 营业收入
    TAX = "tax", _("Tax paid (10k yuan)")  # 税收
    ELECTRICITY = "electricity", _("Electricity use (kWh)")  # 用电量
    EMPLOYEES = "employees", _("Employees")  # 用工人数


class IndicatorValue(models.Model):
    """One reading of an operating indicator. `period` is the first day of the month for
    monthly readings, or the day itself for daily ones (electricity)."""

    class Frequency(models.TextChoices):
        MONTHLY = "M", _("Monthly")
        DAILY = "D", _("Daily")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="indicator_values"
    )
    metric = models.CharField(_("indicator"), max_length=16, choices=Metric.choices)
    frequency = models.CharField(_("frequency"), max_length=1, choices=Frequency.choices)
    period = models.DateField(_("period"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "metric", "frequency", "period"], name="indicator_unique"
            )
        ]
        indexes = [
            models.Index(fields=["metric", "frequency", "period"], name="indicator_metric_period")
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period} {self.value}"


class WarningRule(models.Model):  # 预警规则
    class Kind(models.TextChoices):
        YOY_DROP = "yoy_drop", _("Down against the same month last year")
        AVG3_DROP = "avg3_drop", _("Down against the last three months' average")
        MISSING = "missing", _("Missing for several periods")

    name = models.CharField(_("name"), max_length=80)
    metric = models.CharField(_("indicator"), max_length=16, choices=Metric.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    drop_percent = models.DecimalField(
        _("drop threshold (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For drop rules: warn when the fall exceeds this percentage."),
    )
    missing_periods = models.PositiveSmallIntegerField(
        _("missing periods"),
        null=True,
        blank=True,
        help_text=_("For missing rules: warn after this many months without a reading."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.MISSING:
            if not self.missing_periods:
                raise ValidationError({"missing_periods": "缺报预警规则须填写连续缺报期数"})
        elif self.drop_percent is None or not 0 < self.drop_percent < 100:
            raise ValidationError({"drop_percent": "下降预警规则须填写 0 到 100 之间的下降幅度"})


class WarningStatus(models.TextChoices):
    OPEN = "open", _("Open")  # 待处理
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")  # 已知悉
    VISIT = "visit", _("Visit arranged")  # 已安排走访
    APPEAL = "appeal", _("Turned into an appeal")  # 已转诉求


class EarlyWarning(models.Model):  # 预警
    """One rule firing for one enterprise and one month; the pass never writes it twice."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="warnings")
    rule = models.ForeignKey(WarningRule, on_delete=models.PROTECT, related_name="warnings")
    period = models.DateField(_("period"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=2, null=True)
    change_percent = models.DecimalField(_("change (%)"), max_digits=9, decimal_places=2, null=True)
    status = models.CharField(
        _("status"), max_length=12, choices=WarningStatus.choices, default=WarningStatus.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "rule", "period"], name="warning_unique")
        ]
        indexes = [models.Index(fields=["status", "period"], name="warning_status_period")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.enterprise_id} {self.period}"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CorrectionRequest(models.Model):  # 信息更正申请
    """An enterprise asking to correct a fact that a government source gave. Approval
    records the value as an OFFICER-source claim (profile) or figure (year)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="correction_requests"
    )
    field = models.CharField(_("field"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    current_value = models.CharField(_("current value"), max_length=200, blank=True)
    current_source = models.CharField(_("current source"), max_length=8, blank=True)
    proposed_value = models.CharField(_("proposed value"), max_length=200)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"], name="correction_status")]

    def __str__(self) -> str:
        return f"{self.field} → {self.proposed_value}"


class ImportJob(models.Model):  # 批量导入任务
    class Kind(models.TextChoices):
        PROFILES = "profiles", _("Profiles and yearly facts")
        INDICATORS = "indicators", _("Operating indicators")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected (nothing imported)")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=64, unique=True)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{row, field, message}], first 1000
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # the running worker's lease: renewed while it works; a stale one is swept to FAILED
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (self.Status.DONE, self.Status.REJECTED) else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class EnterpriseEvent(EventBase):
    """The registry's timeline: profile changes, pool entries and exits, corrections,
    warnings handled, imports."""

    enterprise = models.ForeignKey(  # indexed by enterpriseevent_ent_at
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
        db_index=False,
    )  # fmt: skip

    class Meta(EventBase.Meta):
        indexes = [models.Index(fields=["enterprise", "at"], name="enterpriseevent_ent_at")]
