import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.enterprises.fields import PROFILE_FIELDS, YEAR_FIELDS
from qinqing.enterprises.models import ImportJob, Pool, QualificationKind, SizeClass
from qinqing.enterprises.selectors import EnterpriseFilter


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    industry = forms.CharField(
        label=_("Industry code prefix"), required=False, max_length=5,
        widget=forms.TextInput(attrs={"placeholder": "C39"}),
    )  # fmt: skip
    division = forms.ModelChoiceField(
        label=_("Division"), required=False,
        queryset=Organisation.objects.filter(kind=OrgKind.DIVISION, is_active=True),
    )  # fmt: skip
    size = forms.ChoiceField(
        label=_("Size class"), required=False,
        choices=[("", "—"), *[(v, lbl) for v, lbl in SizeClass.choices if v]],
    )  # fmt: skip
    qualification = forms.ChoiceField(
        label=_("Qualification"), required=False, choices=[("", "—"), *QualificationKind.choices]
    )
    held_on = forms.DateField(
        label=_("Held on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    revenue_year = forms.IntegerField(
        label=_("Revenue year"), required=False, min_value=1990, max_value=2100
    )
    revenue_min = forms.DecimalField(
        label=_("Revenue from (10k yuan)"), required=False, min_value=0
    )
    revenue_max = forms.DecimalField(label=_("Revenue to (10k yuan)"), required=False, min_value=0)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    pool = forms.ModelChoiceField(label=_("Pool"), required=False, queryset=Pool.objects.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_range = data.get("revenue_min") is not None or data.get("revenue_max") is not None
        if has_range and not data.get("revenue_year"):
            self.add_error("revenue_year", "按营业收入筛选须选择年份")
        return data

    def criteria(self) -> EnterpriseFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return EnterpriseFilter(
            q=data.get("q") or "",
            industry=data.get("industry") or "",
            division=data["division"].pk if data.get("division") else None,
            size=data.get("size") or "",
            qualification=data.get("qualification") or "",
            held_on=data.get("held_on"),
            revenue_year=data.get("revenue_year"),
            revenue_min=data.get("revenue_min"),
            revenue_max=data.get("revenue_max"),
            tag=data.get("tag") or "",
            pool=data["pool"].pk if data.get("pool") else None,
        )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing: import nothing if any row is wrong"), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("只支持 .xlsx 或 .csv 文件")
        return upload


CORRECTABLE = [(spec.name, spec.label) for spec in PROFILE_FIELDS if spec.name != "division"] + [
    (spec.name, f"{spec.label}（年度）") for spec in YEAR_FIELDS
]


class CorrectionForm(forms.Form):
    field_name = forms.ChoiceField(label=_("Fact"), choices=CORRECTABLE)
    year = forms.IntegerField(
        label=_("Year (for yearly figures)"), required=False, min_value=1990, max_value=2100
    )
    value = forms.CharField(label=_("Correct value"), max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PoolEntryForm(forms.Form):
    pool = forms.ModelChoiceField(label=_("Pool"), queryset=Pool.objects.all())
    on = forms.DateField(label=_("Entry date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PoolExitForm(forms.Form):
    on = forms.DateField(label=_("Exit date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class TagsForm(forms.Form):
    tags = forms.CharField(label=_("Tags (separated by commas)"), required=False, max_length=500)

    def names(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [n.strip() for n in raw.replace("，", ",").split(",") if n.strip()]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class QualificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Qualification"), choices=QualificationKind.choices)
    level = forms.CharField(label=_("Level"), max_length=20, required=False)
    certificate_no = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=100, required=False)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to (blank: open-ended)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
