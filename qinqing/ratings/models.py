"""好差评 (国办发〔2019〕51号): service events, their ratings, 差评 rectification and contests.

Other apps never import this module's models to create rows: they call
`qinqing.ratings.services.record_service_event(kind=..., reference="appeal:123", ...)`,
which is idempotent on `reference`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import EventBase, TimeStampedModel


def new_token() -> str:
    return secrets.token_urlsafe(16)


class ServiceKind(models.TextChoices):
    APPEAL = "appeal", _("Appeal handling")  # 诉求办理
    WINDOW = "window", _("Window visit")  # 窗口办事
    ONLINE = "online", _("Online matter")  # 网上办事
    POLICY = "policy", _("Policy application")  # 政策申报
    OBSERVATION = "observation", _("Observer experience")  # 监督员体验
    STATIONING = "stationing", _("Stationed cadre")  # 驻企服务 (四帮一体验)


class Channel(models.TextChoices):  # 评价渠道
    WEB = "web", _("Web")
    QR = "qr", _("Window QR code")
    PHONE = "phone", _("Phone (operator)")
    API = "api", _("Other system")


class Level(models.IntegerChoices):  # 五级评价
    VERY_SATISFIED = 5, _("Very satisfied")  # 非常满意
    SATISFIED = 4, _("Satisfied")  # 满意
    BASIC = 3, _("Basically satisfied")  # 基本满意
    DISSATISFIED = 2, _("Dissatisfied")  # 不满意
    VERY_DISSATISFIED = 1, _("Very dissatisfied")  # 非常不满意


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)  # 差评


class ServiceEvent(TimeStampedModel):  # 服务事件: one thing that can be rated once
    kind = models.CharField(_("kind"), max_length=12, choices=ServiceKind.choices)
    reference = models.CharField(
        _("reference"), max_length=80, unique=True, help_text=_('For example "appeal:123".')
    )
    matter = models.CharField(_("matter"), max_length=200, blank=True)  # 事项
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("window"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    served_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person served"),
    )
    served_phone_masked = models.CharField(
        _("phone of the person served"), max_length=20, blank=True
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("service event")
        verbose_name_plural = _("service events")

    def __str__(self) -> str:
        return self.matter or self.reference


class RatingPoint(TimeStampedModel):  # 窗口评价码: one QR code per window, creates events
    window = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("window"),
    )
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("window rating point")
        verbose_name_plural = _("window rating points")

    def __str__(self) -> str:
        return str(self.window)


class Rating(TimeStampedModel):  # 评价
    event = models.OneToOneField(
        ServiceEvent,
        on_delete=models.PROTECT,
        related_name="rating",
        verbose_name=_("service event"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rated by"),
    )
    recorded_by = models.ForeignKey(  # the operator, for phone ratings
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    rated_at = models.DateTimeField(_("rated at"), db_index=True)
    # Copied from the event so figures are one-table aggregates.
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("window"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    matter = models.CharField(_("matter"), max_length=200, blank=True)
    is_bad = models.BooleanField(_("bad rating"), default=False, editable=False)
    excluded = models.BooleanField(  # a contest was accepted: not counted in figures
        _("excluded from figures"), default=False
    )

    class Meta:
        ordering = ["-rated_at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["department", "rated_at"])]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_level_display()}"


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("To verify")  # 待核实
    VERIFIED = "verified", _("Verified, being rectified")  # 已核实, 整改中
    RECTIFIED = "rectified", _("Rectified, to call back")  # 已整改, 待回访
    CLOSED = "closed", _("Called back, closed")  # 已回访, 办结
    VOID = "void", _("Void (contest accepted)")  # 申诉成立, 作废


class CallbackOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied with the rectification")
    UNSATISFIED = "unsatisfied", _("Still dissatisfied")
    UNREACHABLE = "unreachable", _("Could not be reached")


class Rectification(TimeStampedModel):  # 差评整改
    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    due_at = models.DateTimeField(_("rectify by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    rectification_note = models.TextField(_("rectification"), blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_outcome = models.CharField(
        _("call-back outcome"), max_length=12, choices=CallbackOutcome.choices, blank=True
    )
    callback_note = models.TextField(_("call-back note"), blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self) -> str:
        return f"{self.rating} · {self.get_status_display()}"


class ContestStatus(models.TextChoices):
    PENDING = "pending", _("Pending decision")
    ACCEPTED = "accepted", _("Accepted: rating excluded")  # 申诉成立
    REJECTED = "rejected", _("Rejected: rating stands")  # 申诉不成立


class Contest(TimeStampedModel):  # 申诉复核
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="contests")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ContestStatus.choices, default=ContestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        constraints = [
            models.UniqueConstraint(
                fields=["rating"],
                condition=models.Q(status="pending"),
                name="contest_one_pending_per_rating",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating} · {self.get_status_display()}"


class RatingEvent(EventBase):  # one timeline per rating: rated, verified, rectified, contested...
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("rating event")
        verbose_name_plural = _("rating events")


class Observer(TimeStampedModel):  # 营商环境特约监督员 / 体验员
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observer_profile"
    )
    title = models.CharField(_("title"), max_length=40, default="营商环境特约监督员")
    division = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("division"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("observer")
        verbose_name_plural = _("observers")

    def __str__(self) -> str:
        return str(self.user)


class Observation(TimeStampedModel):  # 体验记录
    observer = models.ForeignKey(Observer, on_delete=models.PROTECT, related_name="observations")
    event = models.OneToOneField(ServiceEvent, on_delete=models.PROTECT, related_name="observation")
    where = models.CharField(
        _("where"), max_length=10, choices=[("window", _("At a window")), ("online", _("Online"))]
    )
    narrative = models.TextField(_("what happened"), max_length=2000)
    problem = models.TextField(_("problem found"), blank=True, max_length=2000)
    appeal_reference = models.CharField(_("appeal"), max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.observer} · {self.event}"
