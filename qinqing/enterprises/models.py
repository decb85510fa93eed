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


class Enterprise(TimeStampedModel):  # 企业, keyed by 统一社会信用代码
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_uscc_field],
    )
    name = models.CharField(_("name"), max_length=200, db_index=True)
    division = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("administrative division"),
    )
    industry_code = models.CharField(
        _("industry (GB/T 4754-2017)"),
        max_length=5,
        blank=True,
        db_index=True,
        help_text=_("门类 letter followed by the 大类/中类 digits, e.g. C3911"),
    )
    legal_form = models.CharField(_("legal form"), max_length=50, blank=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name
