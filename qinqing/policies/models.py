"""政策找人 / 免申即享 / 一窗兑现: the policy library, versioned eligibility rules, match
results, grant batches, applications and disbursements. Money is in 万元."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.core.models import AppendOnlyError, EventBase, TimeStampedModel
from qinqing.policies.rules import Benefit


class PublishStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PolicyDocument(TimeStampedModel):  # 政策文件
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing body"), max_length=100)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)  # 文号
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self) -> str:
        return self.title


class PolicyAttachment(models.Model):
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to="policies/attachments/%Y/")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    REDUCTION = "reduction", _("Reduction or exemption")  # 减免
    SUBSIDY = "subsidy", _("Subsidy or reward")  # 奖补
    RIGHT = "right", _("Right or entitlement")  # 权益
    QUALIFICATION = "qualification", _("Qualification")  # 资质


class BenefitKind(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    PERCENT = "percent", _("Percentage with a cap")
    TIERS = "tiers", _("Tiers")
    RIGHT = "right", _("Non-monetary right")


class ItemMode(models.TextChoices):
    AUTO = "auto", _("No application needed")  # 免申即享
    APPLY = "apply", _("Quick application")  # 快申快享


class MaterialType(models.TextChoices):  # 申报材料
    LICENCE = "licence", _("Business licence")
    FINANCIALS = "financials", _("Financial statements")
    RD_AUDIT = "rd_audit", _("R&D spending audit report")
    TAX_CERT = "tax_cert", _("Tax payment certificate")
    IP_CERTS = "ip_certs", _("Patent and copyright certificates")
    QUAL_CERT = "qual_cert", _("Qualification certificate")
    BANK = "bank", _("Bank account details")
    APPLICATION_FORM = "form", _("Signed application form")


class PolicyItem(TimeStampedModel):  # 政策事项
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="items")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=14, choices=ItemKind.choices)
    summary = models.TextField(_("who benefits and what"), blank=True)  # 惠及对象
    benefit_kind = models.CharField(_("benefit"), max_length=8, choices=BenefitKind.choices)
    amount = models.DecimalField(
        _("amount (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(
        _("cap (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    base_field = models.CharField(_("base fact"), max_length=30, blank=True)
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    tiers = models.JSONField(
        _("tiers"), default=list, blank=True, help_text=_('[{"min": 0, "amount": 5}, ...]')
    )
    right_text = models.CharField(_("right granted"), max_length=200, blank=True)
    budget = models.DecimalField(
        _("budget (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    per_enterprise_cap = models.DecimalField(
        _("cap per enterprise (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    department = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="policy_items",
        verbose_name=_("responsible department"),
    )
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    window_opens = models.DateField(_("applications open"), null=True, blank=True)
    window_closes = models.DateField(_("applications close"), null=True, blank=True)
    mode = models.CharField(
        _("mode"), max_length=5, choices=ItemMode.choices, default=ItemMode.APPLY
    )
    payout_days = models.PositiveSmallIntegerField(
        _("payout limit (working days)"), default=60
    )  # 兑现时限
    period = models.CharField(
        _("award period"), max_length=20, default="", blank=True, help_text=_("e.g. 2025")
    )
    required_materials = models.JSONField(_("required materials"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PublishStatus.choices, default=PublishStatus.DRAFT
    )
    current_rule = models.ForeignKey(
        "RuleVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published rule"),
    )
    search_text = models.TextField(editable=False, blank=True)  # jieba tokens, lower-cased

    class Meta:
        ordering = ["-id"]
        verbose_name = _("policy item")
        verbose_name_plural = _("policy items")
        indexes = [models.Index(fields=["status", "mode"])]

    def __str__(self) -> str:
        return self.title

    def benefit(self) -> Benefit:
        def num(value: Decimal | None) -> float | None:
            return None if value is None else float(value)

        tiers = tuple(sorted((float(t["min"]), float(t["amount"])) for t in (self.tiers or [])))
        return Benefit(
            kind=self.benefit_kind,
            amount=num(self.amount),
            rate=num(self.rate),
            cap=num(self.cap),
            base_field=self.base_field,
            base_year=self.base_year,
            tiers=tiers,
            per_enterprise_cap=num(self.per_enterprise_cap),
        )

    def is_open_for_applications(self, today: dt.date) -> bool:
        return (
            self.status == PublishStatus.PUBLISHED
            and self.mode == ItemMode.APPLY
            and (self.window_opens is None or self.window_opens <= today)
            and (self.window_closes is None or today <= self.window_closes)
        )


class RuleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class RuleVersion(models.Model):  # 申报条件 (one version)
    """A version of an item's eligibility rule. Once published its tree never changes:
    edits make a new version, and every decision names the version it used."""

    item = models.ForeignKey(PolicyItem, on_delete=models.CASCADE, related_name="rule_versions")
    number = models.PositiveIntegerField(_("version"))
    tree = models.JSONField(_("rule"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RuleStatus.choices, default=RuleStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="ruleversion_unique_number"),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status="published"),
                name="ruleversion_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values("status", "tree").first()
            if stored and stored["status"] != RuleStatus.DRAFT and stored["tree"] != self.tree:
                raise AppendOnlyError("a published rule version cannot change")
        super().save(*args, **kwargs)


class MatchRun(models.Model):  # 匹配批次
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", pgettext_lazy("match run", "Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Scope(models.TextChoices):
        FULL = "full", _("All published items")
        ITEMS = "items", _("Some items")
        ENTERPRISES = "enterprises", _("Some enterprises")

    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.FULL)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    shards = models.PositiveSmallIntegerField(_("shards"), default=1)
    total = models.PositiveIntegerField(_("items to match"), default=0)
    done = models.PositiveIntegerField(_("items matched"), default=0)
    eligible = models.PositiveIntegerField(_("eligible pairs"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class MatchShard(models.Model):  # 匹配分片
    """One part of a full run, taken by one queue worker: the enterprises whose storage
    bucket (storing.BUCKET) is `number` modulo the run's `shards`. The worker renews
    `heartbeat_at` while it works; a shard silent for MATCH_SHARD_LEASE_SECONDS is put
    back in the queue as a new attempt (a killed worker) or, after the last attempt,
    fails its run. Only the current attempt may store its results."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField(_("shard"))
    status = models.CharField(
        _("status"), max_length=8, choices=MatchRun.Status.choices, default=MatchRun.Status.QUEUED
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("results"), default=0)
    eligible = models.PositiveIntegerField(_("eligible pairs"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="one_shard_number")]
        verbose_name = _("match shard")
        verbose_name_plural = _("match shards")

    def __str__(self) -> str:
        return f"#{self.run_id}/{self.number} {self.get_status_display()}"


class Outcome(models.TextChoices):
    ELIGIBLE = "E", _("Eligible")
    ALMOST = "A", _("Almost eligible")
    UNKNOWN = "U", _("Cannot decide")
    INELIGIBLE = "N", _("Not eligible")


class MatchResult(models.Model):
    """The latest decision for one enterprise and item. Only eligible, almost eligible
    and cannot-decide pairs are stored; a missing row means not eligible."""

    # Derived data, rebuilt in bulk: the pair is the primary key (no id, no sequence) and
    # there are no database FK constraints (their per-row checks dominate a COPY of
    # millions of rows); deletions still cascade through the ORM.
    pk = models.CompositePrimaryKey("item_id", "enterprise_id")
    item = models.ForeignKey(
        PolicyItem, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    rule_version = models.ForeignKey(
        RuleVersion, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    outcome = models.CharField(_("outcome"), max_length=1, choices=Outcome.choices)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=2, null=True)
    missing = models.SmallIntegerField(
        null=True, help_text="index of the one failing top-level condition"
    )
    decided_at = models.DateTimeField(_("decided at"), db_default=Now())

    class Meta:
        verbose_name = _("match result")
        verbose_name_plural = _("match results")

    def __str__(self) -> str:
        return f"{self.item_id}/{self.enterprise_id}: {self.get_outcome_display()}"


class MatchDigest(models.Model):
    """A fingerprint of the stored results of one bucket of enterprises (ids
    bucket × BUCKET up to the next bucket), written by a full run so the next one
    rewrites only the buckets whose results changed. Any other write to the results
    deletes the digests it touches (storing.forget), so a stale digest is never
    trusted."""

    bucket = models.IntegerField(primary_key=True)
    digest = models.BigIntegerField()
    rows = models.IntegerField()
    scheme = models.CharField(max_length=40)
    # one 8-byte fingerprint per enterprise of the bucket (0: no results), so a changed
    # bucket tells which of its enterprises changed
    members = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("match digest")
        verbose_name_plural = _("match digests")

    def __str__(self) -> str:
        return f"{self.bucket}: {self.rows}"


class EnterpriseMaterial(models.Model):  # 材料库 (一次采集、多次使用)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    material_type = models.CharField(_("material"), max_length=12, choices=MaterialType.choices)
    file = models.FileField(_("file"), upload_to="policies/materials/%Y/")
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("enterprise material")
        verbose_name_plural = _("enterprise materials")
        indexes = [models.Index(fields=["enterprise", "material_type"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.get_material_type_display()}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_to is None or self.valid_to >= day


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(TimeStampedModel):  # 申报 (一窗兑现)
    item = models.ForeignKey(PolicyItem, on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=20)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices)
    note = models.TextField(_("note"), blank=True)
    amount_requested = models.DecimalField(
        _("amount requested"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_approved = models.DecimalField(
        _("amount approved"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    due_at = models.DateTimeField(_("payout due"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    rule_version = models.ForeignKey(
        RuleVersion, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.JSONField(_("eligibility at submission"), default=dict)
    materials = models.ManyToManyField(EnterpriseMaterial, blank=True, related_name="+")
    # certificates taken from the store (core.material_store), not asked again:
    # [{material, kind, certificate_id, name, number, issuer, valid_to}]
    certificates = models.JSONField(_("certificates on file"), default=list, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "enterprise", "period"],
                condition=~models.Q(status__in=["rejected", "withdrawn"]),
                name="application_one_live_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.enterprise_id} · {self.period}"


class GrantBatch(TimeStampedModel):  # 免申即享 名单
    class Status(models.TextChoices):
        DRAFT = "draft", _("For review")
        APPROVED = "approved", _("Approved")
        CANCELLED = "cancelled", _("Cancelled")

    item = models.ForeignKey(PolicyItem, on_delete=models.PROTECT, related_name="grant_batches")
    period = models.CharField(_("period"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    total = models.DecimalField(_("total (10k yuan)"), max_digits=16, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("grant batch")
        verbose_name_plural = _("grant batches")

    def __str__(self) -> str:
        return f"{self.item_id} {self.period} #{self.pk}"


class GrantLine(models.Model):
    class Status(models.TextChoices):
        INCLUDED = "included", _("Included")
        OVER_BUDGET = "over_budget", _("Over budget")
        REMOVED = "removed", _("Removed by the officer")
        ALREADY_PAID = "paid_before", _("Already awarded")

    batch = models.ForeignKey(GrantBatch, on_delete=models.CASCADE, related_name="lines")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+")
    decision = models.JSONField(_("decision and facts used"), default=dict)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "enterprise"], name="grantline_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.enterprise_id}"


class Disbursement(TimeStampedModel):  # 兑现
    class Status(models.TextChoices):
        PENDING = "pending", _("To be paid")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    item = models.ForeignKey(PolicyItem, on_delete=models.PROTECT, related_name="disbursements")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=20)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    grant_line = models.OneToOneField(
        GrantLine, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursement"
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursement"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "enterprise", "period"],
                condition=~models.Q(status="cancelled"),
                name="disbursement_once_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.enterprise_id}/{self.period}: {self.amount}"


class PolicyEvent(EventBase):  # 政策事项时间线
    document = models.ForeignKey(
        PolicyDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    item = models.ForeignKey(
        PolicyItem, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    rule_version = models.ForeignKey(
        RuleVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    batch = models.ForeignKey(
        GrantBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    disbursement = models.ForeignKey(
        Disbursement, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta(EventBase.Meta):
        verbose_name = _("policy event")
        verbose_name_plural = _("policy events")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
