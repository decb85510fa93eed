"""包联, 走访, 四帮一体验 and 政企活动: government people at the enterprise's side.

Liaison sits above appeals, policies and enterprises: it links to their rows (an appeal
raised during a visit, a policy pushed during a stay); they never link back.
"""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import EventBase, TimeStampedModel

USER = settings.AUTH_USER_MODEL


class LiaisonRole(models.TextChoices):
    LEADER = "leader", _("Liaison leader")  # 包联领导
    CONTACT = "contact", _("Liaison contact")  # 联络员
    SPECIALIST = "specialist", _("Service specialist")  # 服务专员
    TEAM_MEMBER = "team_member", _("Service team member")  # 服务小组成员


class Liaison(TimeStampedModel):  # 包联关系
    """A person or an organisation (department, township) linked to an enterprise for a
    period. Active on a day when starts_on <= day and (ends_on is empty or day <= ends_on)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    cadre = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
        verbose_name=_("cadre"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=LiaisonRole.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["enterprise__name", "role", "id"]
        verbose_name = _("liaison assignment")
        verbose_name_plural = _("liaison assignments")
        indexes = [models.Index(fields=["cadre", "ends_on"]), models.Index(fields=["enterprise"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cadre__isnull=False) | models.Q(organisation__isnull=False),
                name="liaison_has_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre or self.organisation} · {self.enterprise_id}"


class ServiceTeam(TimeStampedModel):  # 服务小组 (一企一策)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    name = models.CharField(_("name"), max_length=100)
    plan = models.TextField(_("plan"), blank=True)  # 一企一策
    lead = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("team lead")
    )
    members = models.ManyToManyField(USER, blank=True, related_name="service_teams")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    team = models.ForeignKey(ServiceTeam, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class Visit(TimeStampedModel):  # 走访
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    cadre = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="liaison_visits", verbose_name=_("cadre")
    )
    visited_on = models.DateField(_("visit date"))
    people_met = models.CharField(_("people met"), max_length=200)
    discussion = models.TextField(_("what was discussed"))

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["enterprise", "-visited_on"]),
            models.Index(fields=["cadre", "-visited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.enterprise_id}"


def _photo_path(instance: "VisitPhoto", filename: str) -> str:
    return f"liaison/visits/{instance.visit_id}/{instance.token}{Path(filename).suffix.lower()}"


class VisitPhoto(models.Model):
    """A photo under MEDIA_ROOT (outside the web root), served by a view that checks access."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=_photo_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")  # 筹备
    OPEN = "open", _("In progress")  # 进行中
    CLOSED = "closed", _("Finished")  # 已结束


class Round(TimeStampedModel):  # 四帮一体验 批次
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    radius_m = models.PositiveIntegerField(_("check-in radius (m)"), default=500)
    sample_size = models.PositiveSmallIntegerField(_("stays checked per day"), default=3)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("stationing round")
        verbose_name_plural = _("stationing rounds")

    def __str__(self) -> str:
        return self.name


class Stay(TimeStampedModel):  # 驻企: one cadre at one enterprise for (usually) two weeks
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="stays", verbose_name=_("stationing round")
    )
    cadre = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="stays", verbose_name=_("cadre")
    )
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "cadre", "enterprise"], name="stay_unique_pairing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} @ {self.enterprise}"


class CheckKind(models.TextChoices):
    IN = "in", _("Check-in")  # 签到
    OUT = "out", _("Check-out")  # 签退


class CheckIn(models.Model):  # 打卡
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="checkins")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=3, choices=CheckKind.choices)
    at = models.DateTimeField(_("time"))
    lat = models.FloatField()
    lng = models.FloatField()
    accuracy_m = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    in_range = models.BooleanField(_("within range"), null=True)  # None: no registered location

    class Meta:
        ordering = ["day", "kind"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["stay", "day", "kind"], name="checkin_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.stay_id} {self.day} {self.kind}"


class DailyNote(TimeStampedModel):  # 工作动态
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="notes")
    day = models.DateField(_("day"))
    text = models.TextField(_("work note"))

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["stay", "day"], name="dailynote_unique")]

    def __str__(self) -> str:
        return f"{self.stay_id} {self.day}"


class Difficulty(TimeStampedModel):  # 困难问题: found on a visit, a stay or at an activity
    """The link from liaison to an appeal. `appeal` is set once the appeals intake service
    has registered it; until then the difficulty waits for an intake operator."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="difficulties"
    )
    stay = models.ForeignKey(
        Stay, null=True, blank=True, on_delete=models.PROTECT, related_name="difficulties"
    )
    activity = models.ForeignKey(
        "Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="difficulties"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    money = models.DecimalField(
        _("money involved (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    appeal = models.OneToOneField(
        "appeals.Appeal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")

    def __str__(self) -> str:
        return self.title


class PolicyPush(models.Model):  # 政策对接: an item brought to the enterprise in person
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    item = models.ForeignKey("policies.PolicyItem", on_delete=models.PROTECT, related_name="+")
    pushed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT)
    stay = models.ForeignKey(
        Stay, null=True, blank=True, on_delete=models.PROTECT, related_name="pushes"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "item", "stay"], name="push_once_per_stay"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.enterprise_id}"


class TaskKind(models.TextChoices):  # 五个一
    PROBLEM = "problem", _("Solve at least one difficulty")  # 解决1个困难问题
    POLICY = "policy", _("Bring at least one policy")  # 对接1项优惠政策
    SUGGESTION = "suggestion", _("Make at least one suggestion")  # 提出1条合理化建议
    FRONTLINE = "frontline", _("Work one day on the front line")  # 一线岗位工作1天
    REPORT = "report", _("Write an experience report")  # 撰写1篇体验报告


def _report_path(instance: "Evidence", filename: str) -> str:
    return f"liaison/stays/{instance.stay_id}/{instance.token}{Path(filename).suffix.lower()}"


class Evidence(models.Model):  # 五个一 evidence, each pointing at a record on the platform
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="evidence")
    task = models.CharField(_("task"), max_length=10, choices=TaskKind.choices)
    difficulty = models.ForeignKey(Difficulty, null=True, blank=True, on_delete=models.PROTECT)
    push = models.ForeignKey(PolicyPush, null=True, blank=True, on_delete=models.PROTECT)
    application = models.ForeignKey(
        "policies.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    on_date = models.DateField(_("date"), null=True, blank=True)
    token = models.CharField(max_length=32, blank=True)
    file = models.FileField(upload_to=_report_path, max_length=200, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task", "recorded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.stay_id} {self.task}"


class VerifyMethod(models.TextChoices):
    PHONE = "phone", _("By phone")  # 电话核实
    ONSITE = "onsite", _("On site")  # 实地核实


class VerifyResult(models.TextChoices):
    PRESENT = "present", _("At the post")  # 在岗
    ABSENT = "absent", _("Not at the post")  # 不在岗
    EXCUSED = "excused", _("Away with reason")  # 因公外出


class Verification(models.Model):  # 督查核实: one sampled stay on one day
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="verifications")
    day = models.DateField(_("day"))
    drawn_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(_("method"), max_length=6, choices=VerifyMethod.choices, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=VerifyResult.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    verified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stay", "day"], name="verification_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.stay_id} {self.day}"


SCORE_ITEMS = {  # item -> label (Chinese, shown to the enterprise)
    "attitude": "服务态度",
    "diligence": "工作作风与出勤",
    "solving": "帮助解决问题",
    "policy": "政策对接",
}


class Score(models.Model):  # 企业评分: the host enterprise scores its cadre once
    stay = models.OneToOneField(Stay, on_delete=models.PROTECT, related_name="score")
    items = models.JSONField(_("items"))  # {"attitude": 1..5, ...}
    total = models.DecimalField(_("score (of 100)"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(auto_now_add=True)
    rating_id = models.BigIntegerField(null=True, blank=True)  # ratings.Rating it became

    class Meta:
        verbose_name = _("enterprise score")
        verbose_name_plural = _("enterprise scores")

    def __str__(self) -> str:
        return f"{self.stay_id}: {self.total}"


class RequestKind(models.TextChoices):
    EXTEND = "extend", _("Extend the stay")  # 加期
    NAMED = "named", _("Ask for a named cadre")  # 要人


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class StayRequest(TimeStampedModel):  # 加期 / 要人
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="requests")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    kind = models.CharField(_("kind"), max_length=6, choices=RequestKind.choices)
    stay = models.ForeignKey(Stay, null=True, blank=True, on_delete=models.PROTECT)
    cadre_name = models.CharField(_("cadre asked for"), max_length=50, blank=True)
    days = models.PositiveSmallIntegerField(_("extra days"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=8, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enterprise request")
        verbose_name_plural = _("enterprise requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.enterprise_id}"


class ActivityKind(models.TextChoices):
    RECEPTION = "reception", _("Entrepreneurs' reception day")  # 企业家接待日
    FORUM = "forum", _("Forum")  # 座谈会
    FINANCING = "financing", _("Government-bank-enterprise matchmaking")  # 政银企对接会
    LEGAL = "legal", _("Legal check-up")  # 法治体检
    BRIEFING = "briefing", _("Policy briefing")  # 宣讲
    FAIR = "fair", _("Trade fair")  # 展会


class ActivitySeries(TimeStampedModel):  # 系列 ("面对面·周周见")
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=10, choices=ActivityKind.choices)
    organiser = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")

    def __str__(self) -> str:
        return self.name


class Activity(TimeStampedModel):  # 政企活动
    series = models.ForeignKey(
        ActivitySeries,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("activity series"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    organiser = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("service activity")
        verbose_name_plural = _("service activities")

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):  # 邀请 / 报名 / 出席
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="participants")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    invited = models.BooleanField(_("invited"), default=False)
    signed_up_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "enterprise"], name="participation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.enterprise_id}"


class OutcomeKind(models.TextChoices):
    LOAN_REQUESTED = "loan_requested", _("Loan requested")  # 融资需求
    LOAN_GRANTED = "loan_granted", _("Loan granted")  # 授信/放款
    LEGAL_FOUND = "legal_found", _("Legal issue found")  # 发现法律风险
    LEGAL_RESOLVED = "legal_resolved", _("Legal issue resolved")  # 法律问题化解
    CONTRACT_REVIEWED = "contract_reviewed", _("Contract reviewed")  # 审查合同
    ORDER_SIGNED = "order_signed", _("Order signed")  # 签约订单


class Outcome(models.Model):  # 活动成果
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="outcomes")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    kind = models.CharField(_("outcome"), max_length=18, choices=OutcomeKind.choices)
    bank = models.CharField(_("bank or counterpart"), max_length=100, blank=True)
    amount = models.DecimalField(
        _("amount (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    count = models.PositiveIntegerField(_("count"), default=1)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["activity", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.kind}"


class LiaisonEvent(EventBase):  # one timeline for liaison records
    subject = models.CharField(_("record"), max_length=40, db_index=True)  # "stay:12"
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(EventBase.Meta):
        verbose_name = _("liaison event")
        verbose_name_plural = _("liaison events")
