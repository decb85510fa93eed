"""Shapes of input on the pages; the rules themselves live in the services."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from qinqing.tasklist import selectors
from qinqing.tasklist.models import FindingSource, Indicator, ReportCycle
from qinqing.tasklist.services import PlanLine

MONTH_CHOICES = [(m, f"{m}月") for m in range(1, 13)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("tasklist", "Progress this period"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    achieved_value = forms.CharField(
        label=pgettext_lazy("tasklist", "Achieved so far"), required=False, max_length=30
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=pgettext_lazy(
            "tasklist", "Evidence (PDF, JPG, PNG, Word, Excel; up to 6 files of 10 MB)"
        ),
        required=False,
    )
    complete = forms.BooleanField(
        label=pgettext_lazy("tasklist", "The task is complete"), required=False
    )


class CommentForm(forms.Form):
    month = forms.TypedChoiceField(
        label=pgettext_lazy("tasklist", "Month"), choices=MONTH_CHOICES, coerce=int
    )
    text = forms.CharField(
        label=pgettext_lazy("tasklist", "Comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = timezone.localdate().month


class CancelForm(forms.Form):
    note = forms.CharField(label=pgettext_lazy("tasklist", "Reason"), max_length=500)


class TaskForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=pgettext_lazy("tasklist", "Indicator"), queryset=Indicator.objects.none()
    )
    title = forms.CharField(label=pgettext_lazy("tasklist", "Task"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("tasklist", "Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead_unit = forms.ModelChoiceField(
        label=pgettext_lazy("tasklist", "Lead unit"), queryset=selectors.unit_choices()
    )
    units = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("tasklist", "Other responsible units"),
        queryset=selectors.unit_choices(),
        required=False,
        help_text=pgettext_lazy("tasklist", "Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    due_on = forms.DateField(
        label=pgettext_lazy("tasklist", "Deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    target_value = forms.CharField(label=pgettext_lazy("tasklist", "Target figure"), max_length=30)
    target_unit = forms.CharField(label=pgettext_lazy("tasklist", "Unit of measure"), max_length=20)
    target_text = forms.CharField(
        label=pgettext_lazy("tasklist", "Target described"), max_length=200, required=False
    )
    cycle = forms.ChoiceField(
        label=pgettext_lazy("tasklist", "Reporting cycle"),
        choices=ReportCycle.choices,
        initial=ReportCycle.MONTHLY,
    )
    plan = forms.CharField(
        label=pgettext_lazy("tasklist", "Monthly plan: one line per month, e.g. 3|plan drafted|10"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Indicator.objects.filter(year=year)
        self.fields["lead_unit"].queryset = selectors.unit_choices()  # type: ignore[attr-defined]
        self.fields["units"].queryset = selectors.unit_choices()  # type: ignore[attr-defined]

    def clean_plan(self) -> list[PlanLine]:
        lines: list[PlanLine] = []
        for n, raw in enumerate(self.cleaned_data["plan"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.replace("｜", "|").split("|")]
            if len(parts) < 2 or not parts[0].isdigit():
                raise forms.ValidationError(f"月度计划第 {n} 行格式应为“月份|计划内容|计划值”。")
            lines.append(
                PlanLine(int(parts[0]), parts[1], (parts[2] if len(parts) > 2 else None) or None)
            )  # type: ignore[arg-type]
        return lines


class FindingForm(forms.Form):
    source = forms.ChoiceField(
        label=pgettext_lazy("tasklist", "Source"), choices=FindingSource.choices
    )
    organisation = forms.ModelChoiceField(
        label=pgettext_lazy("tasklist", "Unit"), queryset=selectors.unit_choices()
    )
    title = forms.CharField(label=pgettext_lazy("tasklist", "Problem"), max_length=200)
    detail = forms.CharField(
        label=pgettext_lazy("tasklist", "Detail"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    found_on = forms.DateField(
        label=pgettext_lazy("tasklist", "Found on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=dt.date.today,
    )
    limit_days = forms.IntegerField(
        label=pgettext_lazy("tasklist", "Working days to rectify"),
        min_value=1,
        max_value=120,
        initial=10,
    )
    indicator = forms.ModelChoiceField(
        label=pgettext_lazy("tasklist", "Indicator"),
        queryset=Indicator.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.unit_choices()  # type: ignore[attr-defined]
        self.fields["indicator"].queryset = Indicator.objects.filter(year=year)  # type: ignore[attr-defined]


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("tasklist", "What was rectified"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("tasklist", "Review note (required when returning)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportForm(forms.Form):
    year = forms.IntegerField(
        label=pgettext_lazy("tasklist", "Year"), min_value=2000, max_value=2100
    )
    file = forms.FileField(label=pgettext_lazy("tasklist", "Excel file (.xlsx)"))
