"""企业库: one profile per enterprise, keyed by 统一社会信用代码, with the provenance of
every fact. Money is in 万元 (ten thousand yuan), as in the statistics the size rule and
most policies use."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import TimeStampedModel
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
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc_field]
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    legal_form = models.CharField(_("legal form"), max_length=50, blank=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    division = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="enterprises", verbose_name=_("administrative division"),
    )
    industry_code = models.CharField(
        _("industry (GB/T 4754-2017)"), max_length=5, blank=True, db_index=True,
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
        _("size class"), max_length=6, choices=SizeClass.choices, blank=True, db_index=True
    )
    size_basis_year = models.PositiveSmallIntegerField(_("size class basis year"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    tags = models.ManyToManyField("Tag", blank=True, related_name="enterprises", verbose_name=_("tags"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class ProfileClaim(models.Model):
    """One source's value for one profile field (provenance of Enterprise's fields)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="claims")
    field = models.CharField(_("field"), max_length=40)
    value = models.CharField(_("value"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    as_of = models.DateTimeField(_("as of"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "field", "source"], name="profileclaim_unique")
        ]

    def __str__(self) -> str:
        return f"{self.field}={self.value} ({self.source})"


class YearFact(models.Model):
    """One source's yearly figures for an enterprise. Missing is NULL, never zero."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="year_facts")
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
    software_copyrights = models.PositiveIntegerField(_("software copyrights"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    NUMERIC_FIELDS = (
        "employees", "rd_staff", "revenue", "total_assets", "rd_spending", "tax_paid",
        "invention_patents", "utility_patents", "design_patents", "software_copyrights",
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
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="qualifications")
    kind = models.CharField(_("qualification"), max_length=20, choices=QualificationKind.choices)
    level = models.CharField(_("level"), max_length=20, blank=True, help_text=_("national, provincial, city"))
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
                fields=["enterprise", "kind", "certificate_no", "valid_from"], name="qualification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_from}–{self.valid_to or ''}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    def __str__(self) -> str:
        return self.name
