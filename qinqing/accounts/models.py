import hashlib
import re
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.models import TimeStampedModel
from qinqing.lib.uscc import UsccError, validate_uscc


class OrgKind(models.TextChoices):
    DIVISION = "division", _("Administrative division")  # 区划 (GB/T 2260)
    DEPARTMENT = "department", _("Department")  # 部门 / 承办单位
    WINDOW = "window", _("Service window")  # 窗口


class Organisation(TimeStampedModel):  # 区划 / 部门 / 窗口, one tree
    """One node of the organisation tree.

    Divisions carry GB/T 2260 codes: six digits for a district or county, nine digits
    (the district's six plus three) for a street or town. Departments and windows hang
    under a division or a department. `path` is a materialised path of ids
    ("/1/4/9/") so that "this node and everything under it" is one indexed prefix query.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.CharField(_("code"), max_length=20, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="organisation_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_org_code(self.kind, self.code, self.parent)
        if (
            self.parent_id
            and self.pk
            and f"/{self.pk}/" in (self.parent.path if self.parent else "")
        ):
            raise ValidationError({"parent": _("An organisation cannot be placed under itself.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if new_path != self.path:
            old_path = self.path
            self.path = new_path
            self.depth = new_path.count("/") - 2
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                for child in (
                    type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk)
                ):
                    child.save()

    def descendants(self, include_self: bool = True) -> "models.QuerySet[Organisation]":
        qs = type(self).objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self) -> list["Organisation"]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        by_id = type(self).objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    @property
    def division(self) -> "Organisation | None":
        """The nearest division at or above this node."""
        for node in reversed(self.ancestors()):
            if node.kind == OrgKind.DIVISION:
                return node
        return None


_DIVISION_CODE = re.compile(r"^\d{6}(\d{3})?$")


def validate_org_code(kind: str, code: str, parent: "Organisation | None") -> None:
    if kind != OrgKind.DIVISION:
        return
    if not _DIVISION_CODE.match(code or ""):
        raise ValidationError(
            {"code": _("A division code is six digits (GB/T 2260) or nine for a street or town.")}
        )
    if len(code) == 9 and (parent is None or not code.startswith(parent.code[:6])):
        raise ValidationError(
            {"code": _("A street or town code starts with the code of its district.")}
        )


class Role(models.TextChoices):
    INTAKE_OPERATOR = "intake", _("Intake operator")  # 受理员
    HANDLER = "handler", _("Department handler")  # 承办人
    DEPT_HEAD = "dept_head", _("Department head")  # 部门负责人
    SUPERVISOR = "supervisor", _("Supervisor")  # 督办员
    LEADER = "leader", _("Leader")  # 领导
    POLICY_OFFICER = "policy", _("Policy officer")  # 政策专员
    ADMIN = "admin", _("Administrator")  # 管理员
    ENTERPRISE = "enterprise", _("Enterprise user")  # 企业用户
    CADRE = "cadre", _("Liaison cadre")  # 包联 / 驻企干部


STAFF_ROLES = frozenset(Role) - {Role.ENTERPRISE}


class User(AbstractUser):
    """A person. Staff act for organisations through memberships; an enterprise user
    acts for the enterprise whose 统一社会信用代码 is `uscc`."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        db_index=True,
        help_text=_("Only for enterprise users: the enterprise this account acts for."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.uscc:
            try:
                self.uscc = validate_uscc(self.uscc)
            except UsccError as exc:
                raise ValidationError({"uscc": str(exc)}) from exc

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_enterprise_user(self) -> bool:
        return bool(self.uscc)


class Membership(TimeStampedModel):
    """A person acting in a role for an organisation (and, for supervisors and leaders,
    for everything under it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    def clean(self) -> None:
        if self.role == Role.ENTERPRISE:
            raise ValidationError(
                {"role": _("Enterprise users are tied to a credit code, not an organisation.")}
            )


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A token for another system. Only its hash is stored; the raw value is shown once."""

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_key() -> str:
        return "qq_" + secrets.token_urlsafe(32)
