from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.assessment.models import Indicator, IndicatorKind, Scheme
from qinqing.assessment.scoring import Period


class PeriodForm(forms.Form):
    scheme = forms.ModelChoiceField(
        label=_("Scheme"), queryset=Scheme.objects.all(), required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(
        label=_("Month (empty: whole year)"), min_value=1, max_value=12, required=False
    )
    version = forms.IntegerField(
        label=_("Version (empty: newest)"), min_value=1, max_value=999, required=False
    )

    def period(self) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        year = data.get("year") or today.year
        month = data.get("month")
        if not self.data:
            month = today.month
        return Period.month(year, month) if month else Period.year(year)


class FreezeForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.all())
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ManualEntryForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.filter(kind=IndicatorKind.MANUAL, is_active=True),
    )
    department = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Organisation.objects.filter(
            Q(kind=OrgKind.DEPARTMENT) | Q(kind=OrgKind.DIVISION, depth=1), is_active=True
        ),
    )
    period = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=2)
    notes = forms.CharField(
        label=_("Evidence notes"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=_("Evidence file"), required=False)
