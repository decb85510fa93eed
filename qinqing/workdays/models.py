from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose arrangement an administrator has entered in full (e.g. 2027 once the
    State Council publishes it). Years the chinesecalendar package knows need no row."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    is_complete = models.BooleanField(
        _("arrangement complete"),
        default=False,
        help_text=_("Tick once every holiday and make-up working day of the year is entered."),
    )
    source = models.CharField(_("source document"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class DayOverride(models.Model):
    """An administrator's entry for one day; it wins over the package."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(
        _("note"), max_length=100, blank=True, help_text=_("e.g. 春节放假, 春节调休上班")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("day override")
        verbose_name_plural = _("day overrides")

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


class FallbackUse(models.Model):
    """A deadline was computed for a year the calendar does not know (weekday rule).
    Administrators see these until the year is entered."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    first_used_at = models.DateTimeField(_("first used"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), auto_now=True)
    count = models.PositiveIntegerField(_("times used"), default=0)

    class Meta:
        verbose_name = _("calendar fallback")
        verbose_name_plural = _("calendar fallbacks")

    def __str__(self) -> str:
        return f"{self.year}: {self.count}"
