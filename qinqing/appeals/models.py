"""诉求 closed loop: appeals, their assignments, clocks and append-only timeline."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.core.models import AppendOnlyModel, EventBase, TimeStampedModel


class AppealType(models.TextChoices):
    APPEAL = "appeal", _("Appeal")  # 诉求
    COMPLAINT = "complaint", _("Complaint")  # 投诉
    INQUIRY = "inquiry", _("Inquiry")  # 咨询
    SUGGESTION = "suggestion", _("Suggestion")  # 建议
    HELP = "help", _("Request for help")  # 求助


class Channel(models.TextChoices):
    PORTAL = "portal", _("Enterprise portal")
    PHONE = "phone", _("12345 hotline")
    WINDOW = "window", _("Service window")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    LIAISON = "liaison", _("Liaison cadre")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")  # 已受理
    DISPATCHED = "dispatched", _("Dispatched")  # 已派单
    RETURNED = "returned", _("Returned")  # 已退回
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("appeals", "Acknowledged")  # 已签收
    HANDLING = "handling", _("Handling")  # 办理中 (enterprise contacted)
    SUSPENDED = "suspended", _("Suspended")  # 挂起
    REPLIED = "replied", _("Replied")  # 已答复
    CALLED_BACK = "called_back", _("Called back")  # 已回访
    CLOSED = "closed", pgettext_lazy("appeals", "Closed")  # 已办结
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回
    DUPLICATE = "duplicate", _("Duplicate")  # 重复件


FINAL_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN, Status.DUPLICATE})
OPEN_STATUSES = frozenset(Status) - FINAL_STATUSES


class ReplyResult(models.TextChoices):
    SOLVED = "solved", pgettext_lazy("appeals", "Solved")  # 已解决
    PARTLY = "partly", _("Partly solved")  # 部分解决
    CANNOT = "cannot", _("Cannot be solved")  # 无法解决 (policy reason)


class Rating(models.TextChoices):  # 五级评价 (好差评)
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")  # 非常满意
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASIC = "basic", _("Basically satisfied")  # 基本满意
    UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意
    VERY_UNSATISFIED = "very_unsatisfied", _("Very unsatisfied")  # 非常不满意


class ClockKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("appeals", "Acknowledge")  # 签收
    CONTACT = "contact", pgettext_lazy("appeals", "Contact")  # 联系企业
    REPLY = "reply", _("Reply")  # 答复
    CALLBACK = "callback", _("Call-back")  # 回访


class Category(models.Model):  # 诉求分类 (a small tree)
    code = models.CharField(pgettext_lazy("appeals", "code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    default_department = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default department"),
    )
    open311_code = models.CharField(_("Open311 service code"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class NumberCounter(models.Model):
    """One row per (prefix, year): the last serial handed out on SQLite; on PostgreSQL
    the sequence of that prefix and year starts after it (services/numbers.py)."""

    prefix = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="appeal_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.value}"


class Appeal(TimeStampedModel):  # 诉求 / 工单
    # On the appeal the intake returns: the timeline rows it wrote (services/intake.py)
    written_events: "list[AppealEvent]"

    number = models.CharField(_("number"), max_length=30, unique=True)
    type = models.CharField(
        _("type"), max_length=12, choices=AppealType.choices, default=AppealType.APPEAL
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("category")
    )
    title = models.CharField(pgettext_lazy("appeals", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("appeals", "description"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("enterprise"),
    )
    requester_name = models.CharField(_("contact person"), max_length=50)
    requester_phone = models.CharField(_("contact phone"), max_length=30)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    division = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=pgettext_lazy("appeals", "division"),
    )
    lead_department = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_appeals",
        verbose_name=pgettext_lazy("appeals", "lead department"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    suspended_from = models.CharField(max_length=12, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    # The earliest due time of the running clocks: orders the worklist (null: none running).
    next_due_at = models.DateTimeField(null=True, blank=True)
    # Outcomes, written by the services from the clock rows and call-back (see metrics.py).
    reply_result = models.CharField(
        _("reply result"), max_length=8, choices=ReplyResult.choices, blank=True
    )
    reply_text = models.TextField(_("reply"), blank=True)
    callback_solved = models.BooleanField(_("solved according to the call-back"), null=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    ack_on_time = models.BooleanField(null=True)
    contact_on_time = models.BooleanField(null=True)
    closed_on_time = models.BooleanField(null=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    return_count = models.PositiveSmallIntegerField(default=0)
    replied_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_workdays = models.PositiveIntegerField(null=True, blank=True)
    # number, title, description, enterprise and address, for the ledger's text search
    search_text = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="appeal_created"),
            models.Index(fields=["division", "-created_at"], name="appeal_division_created"),
            models.Index(fields=["status", "next_due_at"], name="appeal_status_due"),
            # open appeals by due time: the worklist and the board walk this small index
            models.Index(
                fields=["next_due_at", "id"],
                name="appeal_open_due",
                condition=~models.Q(status__in=["closed", "withdrawn", "duplicate"]),
            ),
            models.Index(
                fields=["lead_department", "status", "next_due_at"], name="appeal_dept_due"
            ),
            models.Index(fields=["category", "-created_at"], name="appeal_category_created"),
            models.Index(fields=["enterprise", "-created_at"], name="appeal_enterprise_created"),
            models.Index(fields=["created_by", "-created_at"], name="appeal_creator_created"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Assignment(TimeStampedModel):  # 派单: 主办 / 协办
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")  # 主办
        ASSIST = "assist", _("Assist")  # 协办

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")  # 待签收
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("appeals", "Acknowledged")
        RETURNED = "returned", _("Returned")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", pgettext_lazy("appeals", "Closed")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="appeal_assignments"
    )
    role = models.CharField(_("role"), max_length=6, choices=Role.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["department", "appeal"], name="assignment_dept_appeal"),
            # open assignments only: a department's worklist starts from these
            models.Index(
                fields=["department", "appeal"],
                name="assignment_open",
                condition=models.Q(state__in=["pending", "acknowledged", "replied"]),
            ),
            # returns are few: the 退回率 per department reads only these
            models.Index(
                fields=["department"],
                name="assignment_returned",
                condition=models.Q(state="returned"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.department_id} ({self.role})"


class AppealEvent(EventBase):  # 时间线
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    staff_only = models.BooleanField(default=False)

    class Meta(EventBase.Meta):
        indexes = [models.Index(fields=["appeal", "at"], name="appeal_event_appeal_at")]


class Clock(models.Model):
    """One deadline of an appeal in working days. `cycle` counts reopenings."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=12, choices=ClockKind.choices)
    cycle = models.PositiveSmallIntegerField(default=0)
    limit_days = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_total = models.DurationField(default=None, null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(default=0)
    warning_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "kind", "cycle"], name="clock_unique")
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="clock_running_due",
                condition=models.Q(stopped_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}#{self.cycle}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None and self.paused_at is None

    @property
    def on_time(self) -> bool | None:
        if self.stopped_at is None:
            return None
        return self.stopped_at <= self.due_at


class TimeLimit(models.Model):
    """Time limits in working days; blank type/channel matches any. The most specific
    row wins; without any row the Yongchuan defaults apply."""

    appeal_type = models.CharField(_("type"), max_length=12, choices=AppealType.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    acknowledge_days = models.PositiveSmallIntegerField(_("acknowledge within"), default=1)
    contact_days = models.PositiveSmallIntegerField(_("contact within"), default=2)
    reply_days = models.PositiveSmallIntegerField(_("reply within"), default=5)
    callback_days = models.PositiveSmallIntegerField(_("call back within"), default=5)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(fields=["appeal_type", "channel"], name="time_limit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_appeal_type_display() or '*'} / {self.get_channel_display() or '*'}"

    def days_for(self, kind: str) -> int:
        return int(getattr(self, f"{kind}_days"))


class EscalationStep(models.Model):
    """A rung of the warning/escalation ladder. `offset_days` is in working days relative
    to the due date: -1 is the working day before it, 0 the moment it is overdue, 2 two
    working days after. Levels must increase with the offset."""

    class Action(models.TextChoices):
        REMIND = "remind", _("Reminder")  # 提醒
        URGE = "urge", _("Urge")  # 催办
        SUPERVISE = "supervise", _("Supervise")  # 督办
        REPORT = "report", _("Report")  # 通报

    level = models.PositiveSmallIntegerField(pgettext_lazy("appeals", "level"), unique=True)
    offset_days = models.SmallIntegerField(_("working days from the due date"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    notify_handler = models.BooleanField(_("notify the department's handlers"), default=False)
    notify_dept_head = models.BooleanField(_("notify the department head"), default=False)
    notify_supervisor = models.BooleanField(_("notify supervisors"), default=False)
    notify_leader = models.BooleanField(_("notify leaders"), default=False)
    sms = models.BooleanField(_("also by SMS"), default=False)

    class Meta:
        ordering = ["level"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self) -> str:
        return f"{self.level}: {self.get_action_display()} ({self.offset_days:+d})"


class Extension(TimeStampedModel):  # 延期申请
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "created_at"], name="extension_state")]


class Consultation(AppendOnlyModel):  # 会商: staff-only notes and agreements
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="consultations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(pgettext_lazy("appeals", "note"))
    agreement = models.TextField(_("what was agreed"), blank=True)

    class Meta:
        ordering = ["at", "id"]


def _upload_to(instance: "Attachment", filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"appeals/{instance.appeal_id}/{instance.token}{suffix}"


class Attachment(models.Model):
    """A file on an appeal, stored under MEDIA_ROOT (outside the web root) and served
    only by a view that checks access to the appeal."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(
        AppealEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    staff_only = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
