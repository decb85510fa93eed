from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.appeals.models import AppealType, Category, Channel, ClockKind, Rating, ReplyResult
from qinqing.appeals.services import CONTACT_METHODS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


def _categories() -> Any:
    return Category.objects.filter(is_active=True).select_related("parent")


def _departments() -> Any:
    return Organisation.objects.filter(is_active=True).exclude(kind=OrgKind.DIVISION)


class PortalAppealForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=AppealType.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=_categories(), required=False)
    title = forms.CharField(label=pgettext_lazy("appeals", "Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    requester_name = forms.CharField(label=_("Contact person"), max_length=50)
    requester_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    attachments = MultipleFileField(label=_("Attachments"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()


class IntakeAppealForm(PortalAppealForm):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            c for c in Channel.choices if c[0] not in (Channel.PORTAL, Channel.API, Channel.OPEN311)
        ],
    )
    enterprise_query = forms.CharField(
        label=_("Enterprise (name or credit code; empty for a citizen)"), required=False
    )
    division = forms.ModelChoiceField(
        label=pgettext_lazy("appeals", "Division"),
        queryset=Organisation.objects.filter(kind=OrgKind.DIVISION),
        required=False,
    )
    # set by "register and merge into this one" beside a likely duplicate (重复件并入)
    merge_into = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    field_order = ["channel", "enterprise_query", "division", "type", "category", "title"]


class DispatchForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Lead department"), queryset=_departments())
    assist = forms.ModelMultipleChoiceField(
        label=_("Assisting departments"), queryset=_departments(), required=False
    )
    note = forms.CharField(
        label=pgettext_lazy("appeals", "Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()
        self.fields["assist"].queryset = _departments()


class NoteForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("appeals", "Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("appeals", "Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ContactForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=list(CONTACT_METHODS.items()))
    person = forms.CharField(label=_("Who was contacted"), max_length=50)
    contacted_at = forms.DateTimeField(label=_("When"), required=False)
    note = forms.CharField(
        label=pgettext_lazy("appeals", "Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReplyForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=ReplyResult.choices)
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))
    policy_reason = forms.CharField(
        label=_("Policy reason (when it cannot be solved)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CallBackForm(forms.Form):
    solved = forms.TypedChoiceField(
        label=_("Was the problem solved?"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=lambda v: v == "1",
    )
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices)
    note = forms.CharField(
        label=pgettext_lazy("appeals", "Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("Number of the original appeal"), max_length=30)
    note = forms.CharField(label=pgettext_lazy("appeals", "Note"), required=False)


class UrgeForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("appeals", "Note"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(forms.Form):
    clock = forms.ChoiceField(label=_("Time limit"), choices=ClockKind.choices)
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=pgettext_lazy("appeals", "Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=pgettext_lazy("appeals", "Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=pgettext_lazy("appeals", "Note"), required=False)


class ConsultForm(forms.Form):
    note = forms.CharField(label=_("Discussion"), widget=forms.Textarea(attrs={"rows": 3}))
    agreement = forms.CharField(
        label=_("What was agreed"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachForm(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"))
    staff_only = forms.BooleanField(label=_("Staff only"), required=False)

    def __init__(self, *args: Any, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:  # the enterprise never sees (or sets) the staff-only box
            del self.fields["staff_only"]


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("appeals", "Search"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=_departments(), required=False
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=_categories(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", "—"), *Channel.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from qinqing.appeals.models import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—"), *Status.choices]
        self.fields["department"].queryset = _departments()
        self.fields["category"].queryset = _categories()
