"""政务服务事项 (the 实施清单), 办件 with their working-day clock, 一件事 bundles, the
certificate store (电子证照 / 材料, asked once) and the approval watch's flags."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.core.models import EventBase, TimeStampedModel

# 实施编码: segments of digits and capitals joined by hyphens, e.g.
# "511A0138000000-511602000000-000-115113010833722043-1-00" (province's export).
ITEM_CODE = re.compile(r"^[0-9A-Z]{1,20}(-[0-9A-Z]{1,20}){2,9}$")


def validate_item_code(value: str) -> None:
    if not ITEM_CODE.match(value or ""):
        raise ValidationError(
            "实施编码格式不正确：应由数字和大写字母组成，各段以“-”连接（至少三段），"
            "如 511A0138000000-511602000000-000-115113010833722043-1-00。"
        )


class ItemType(models.TextChoices):  # 事项类型
    LICENCE = "licence", _("Administrative licence")  # 行政许可
    PAYMENT = "payment", _("Administrative payment")  # 行政给付
    CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
    REWARD = "reward", _("Administrative reward")  # 行政奖励
    ADJUDICATION = "adjudication", _("Administrative adjudication")  # 行政裁决
    OTHER_POWER = "other_power", _("Other administrative power")  # 其他行政权力
    PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务


class Visits(models.TextChoices):  # 到现场次数
    ZERO = "0", _("No visit")  # 零跑腿
    ONE = "1", _("One visit at most")  # 最多跑一次
    MANY = "n", _("More than one visit")


class OnlineDepth(models.IntegerChoices):  # 网办深度
    INFO = 1, _("Level 1: information online")  # 一级：网上咨询
    FORMS = 2, _("Level 2: forms online")  # 二级：网上预审
    ONLINE_REVIEW = 3, _("Level 3: applied and reviewed online")  # 三级：网上受理审批
    FULL = 4, _("Level 4: entirely online")  # 四级：全程网办


class Scope(models.TextChoices):  # 通办范围
    NONE = "", _("Not across regions")
    CITY = "city", _("Across the city")  # 全市通办
    PROVINCE = "province", _("Across the province")  # 全省通办
    CHUANYU = "chuanyu", _("Sichuan–Chongqing")  # 川渝通办
    NATIONAL = "national", _("Across provinces")  # 跨省通办


class Audience(models.TextChoices):
    ENTERPRISE = "enterprise", pgettext_lazy("catalog", "Enterprises")
    PERSON = "person", _("Persons")
    BOTH = "both", _("Enterprises and persons")


CHANNELS = {"window": "窗口", "online": "网上办", "mobile": "掌上办", "kiosk": "自助终端"}


class ServiceItem(TimeStampedModel):  # 政务服务事项 (实施清单)
    code = models.CharField(
        _("implementation code"), max_length=80, unique=True, validators=[validate_item_code]
    )
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(  # 主项 of a 子项
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("main item"),
    )
    main_item_name = models.CharField(_("main item name"), max_length=200, blank=True)
    item_type = models.CharField(_("item type"), max_length=16, choices=ItemType.choices)
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("window"),
    )
    audience = models.CharField(
        _("for"), max_length=10, choices=Audience.choices, default=Audience.ENTERPRISE
    )
    legal_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"), null=True)
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), null=True
    )
    is_instant = models.BooleanField(_("decided on the spot"), default=False)  # 即办件
    visits = models.CharField(
        pgettext_lazy("catalog", "visits"), max_length=1, choices=Visits.choices, default="1"
    )
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=OnlineDepth.choices, default=OnlineDepth.INFO
    )
    channels = models.JSONField(_("channels"), default=list, blank=True)
    scope = models.CharField(
        _("across regions"), max_length=10, choices=Scope.choices, blank=True, default=""
    )
    notify_commit = models.BooleanField(_("notification and commitment"), default=False)  # 告知承诺
    tolerate_missing = models.BooleanField(
        _("accept with a missing material"), default=False
    )  # 容缺
    instant_approval = models.BooleanField(_("approved automatically"), default=False)  # 秒批
    auto_rule = models.JSONField(_("automatic approval rule"), default=list, blank=True)
    fee = models.CharField(_("fee"), max_length=200, blank=True, default="不收费")
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    form_fields = models.JSONField(_("form fields"), default=list, blank=True)
    issues_kind = models.CharField(  # an approved matter becomes a certificate of this kind
        _("issues certificate"), max_length=40, blank=True
    )
    issue_valid_years = models.PositiveSmallIntegerField(_("certificate valid (years)"), null=True)
    keywords = models.CharField(_("everyday words"), max_length=300, blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")
    task_type = models.CharField(_("task type code"), max_length=4, blank=True)
    link = models.URLField(_("guide on the provincial site"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["department_id", "code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        indexes = [models.Index(fields=["department", "is_active"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_complete(self) -> bool:
        """Enough of the 实施清单 to be applied for here (imported names alone are not)."""
        return self.promised_days is not None or self.is_instant


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("Provided by the applicant")  # 申请人提供
    CERTIFICATE = "certificate", _("Electronic certificate")  # 电子证照调用
    DEPARTMENT = "department", _("Shared by another department")  # 部门共享


class Material(models.Model):  # 申请材料
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("certificate kind"), max_length=40, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=MaterialSource.choices, default="applicant"
    )
    provider = models.CharField(_("providing department"), max_length=100, blank=True)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item_id", "order", "id"]
        verbose_name = pgettext_lazy("catalog", "material")
        verbose_name_plural = pgettext_lazy("catalog", "materials")

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        """One key per thing asked: the certificate kind, or the name."""
        return self.kind or f"name:{self.name}"


class CertificateSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded")
    REGISTRY = "registry", _("Enterprise registry")
    MATTER = "matter", _("Issued by a matter")


class Certificate(TimeStampedModel):  # 电子证照 / 材料云柜
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    number = models.CharField(_("number"), max_length=80, blank=True)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="certificates/%Y/%m/", blank=True)
    source = models.CharField(_("source"), max_length=10, choices=CertificateSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["enterprise_id", "kind", "-valid_to"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "number"], name="certificate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"


class Bundle(TimeStampedModel):  # 一件事
    code = models.SlugField(pgettext_lazy("catalog", "code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(pgettext_lazy("catalog", "description"), blank=True)
    intent = models.CharField(_("intent"), max_length=20, blank=True)  # the guide's "what"
    audience = models.CharField(
        _("for"), max_length=10, choices=Audience.choices, default=Audience.ENTERPRISE
    )
    questions = models.JSONField(_("questions"), default=list, blank=True)  # [{key, label}]
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("one-thing bundle")
        verbose_name_plural = _("one-thing bundles")

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    condition = models.CharField(  # a question key: the item applies when answered yes
        _("applies when"), max_length=40, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bundle_id", "order", "id"]
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        constraints = [
            models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.item}"


class BundleApplication(TimeStampedModel):  # 一件事申请: tracked as one
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("catalog", "In progress")
        CLOSED = "closed", pgettext_lazy("catalog", "Closed")

    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    form_data = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bundle application")
        verbose_name_plural = _("bundle applications")

    def __str__(self) -> str:
        return f"{self.bundle} #{self.pk}"


class MatterStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("catalog", "Submitted")  # 待受理
    ACCEPTED = "accepted", _("Accepted")  # 已受理
    REVIEWING = "reviewing", _("Under review")  # 审查中
    CORRECTING = "correcting", pgettext_lazy("catalog", "Returned for correction")  # 补正中
    APPROVED = "approved", pgettext_lazy("catalog", "Approved")  # 办结（准予）
    REFUSED = "refused", pgettext_lazy("catalog", "Refused")  # 办结（不予许可）
    NOT_ACCEPTED = "not_accepted", _("Not accepted")  # 不予受理
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 撤回


OPEN_MATTER = (
    MatterStatus.SUBMITTED,
    MatterStatus.ACCEPTED,
    MatterStatus.REVIEWING,
    MatterStatus.CORRECTING,
)
OPEN_VALUES = [str(s.value) for s in OPEN_MATTER]  # plain strings, for index conditions
FINAL_MATTER = (
    MatterStatus.APPROVED,
    MatterStatus.REFUSED,
    MatterStatus.NOT_ACCEPTED,
    MatterStatus.WITHDRAWN,
)


class MatterChannel(models.TextChoices):
    ONLINE = "online", pgettext_lazy("catalog", "Online")  # 网上申请
    WINDOW = "window", pgettext_lazy("catalog", "At a window")  # 窗口登记
    PROXY = "proxy", _("Assisted by staff")  # 帮办代办


class Matter(TimeStampedModel):  # 办件
    number = models.CharField(_("number"), max_length=24, unique=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="matters")
    bundle_application = models.ForeignKey(
        BundleApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="matters"
    )
    department = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(  # the account that rates the service
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applicant_name = models.CharField(pgettext_lazy("catalog", "applicant"), max_length=100)
    applicant_phone = models.CharField(pgettext_lazy("catalog", "phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=MatterChannel.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=14, choices=MatterStatus.choices, db_index=True
    )
    form_data = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(pgettext_lazy("catalog", "submitted at"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(
        pgettext_lazy("catalog", "due at"), null=True, blank=True, db_index=True
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(default=0)  # working days spent in 补正
    correction_count = models.PositiveSmallIntegerField(_("corrections"), default=0)
    missing_material = models.CharField(_("missing material"), max_length=120, blank=True)
    missing_due_at = models.DateTimeField(_("missing material due"), null=True, blank=True)
    decided_at = models.DateTimeField(pgettext_lazy("catalog", "decided at"), null=True, blank=True)
    document_dated = models.DateField(_("decision document dated"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    legal_ground = models.CharField(_("legal ground"), max_length=300, blank=True)
    auto_decision = models.JSONField(default=list, blank=True)  # the 秒批 rule's checks

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = pgettext_lazy("catalog", "matter")
        verbose_name_plural = _("matters")
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="matter_dept_status"),
            models.Index(fields=["enterprise", "submitted_at"], name="matter_enterprise"),
            models.Index(fields=["item", "status"], name="matter_item_status"),
            # the worklist's queues (worklist.py): open matters only, in due order
            models.Index(
                fields=["department", "due_at", "id"],
                condition=models.Q(status__in=OPEN_VALUES),
                name="matter_dept_queue",
            ),
            models.Index(
                fields=["window", "due_at", "id"],
                condition=models.Q(status__in=OPEN_VALUES, window__isnull=False),
                name="matter_window_queue",
            ),
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(status__in=OPEN_VALUES),
                name="matter_open_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MATTER


class MatterMaterial(models.Model):
    class State(models.TextChoices):
        ON_FILE = "on_file", _("On file, not asked")  # 已有，免提交
        PROVIDED = "provided", _("Provided")
        MISSING = "missing", _("Missing, accepted for now")  # 容缺

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices)
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="matters/%Y/%m/", blank=True)

    class Meta:
        ordering = ["matter_id", "material__order", "id"]

    def __str__(self) -> str:
        return f"{self.matter_id} · {self.material_id} · {self.state}"


class MatterEvent(EventBase):  # 办件时间线
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        indexes = [models.Index(fields=["matter", "at"], name="matter_event_matter_at")]


class WatchRule(models.TextChoices):  # 负面行为
    OVERDUE = "overdue", pgettext_lazy("catalog", "Overdue")  # 超期办理
    REPEATED_CORRECTION = "repeated_correction", _("Returned for correction more than once")
    NO_LEGAL_GROUND = "no_legal_ground", _("Not accepted without a legal ground")
    TOO_FAST = "too_fast", _("Closed faster than a review can take")  # 体外循环
    REGISTERED_LATE = "registered_late", _("Registered after its decision")  # 体外循环
    REPEATED_REFUSAL = "repeated_refusal", _("Repeated refusals of the same applicant")


class WatchFlag(models.Model):  # 负面行为留痕
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="flags")
    rule = models.CharField(_("rule"), max_length=24, choices=WatchRule.choices)
    department = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=300)
    raised_at = models.DateTimeField(_("raised at"), db_index=True)
    explanation = models.TextField(_("explanation"), blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("approval watch flag")
        verbose_name_plural = _("approval watch flags")
        constraints = [
            models.UniqueConstraint(fields=["matter", "rule"], name="watch_flag_once_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} · {self.get_rule_display()}"
