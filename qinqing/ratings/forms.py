from django import forms
from django.utils.translation import gettext_lazy as _

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.ratings.models import CallbackOutcome, Level

TAG_CHOICES = [
    ("态度好", _("Friendly")),
    ("效率高", _("Quick")),
    ("一次办成", _("Done in one visit")),
    ("态度差", _("Unfriendly")),
    ("办理慢", _("Slow")),
    ("多次跑", _("Had to come back")),
    ("材料繁琐", _("Too many documents")),
    ("推诿扯皮", _("Passed from desk to desk")),
]


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    tags = forms.MultipleChoiceField(
        label=_("Tags"), choices=TAG_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WindowRatingForm(RatingForm):
    matter = forms.CharField(label=_("Matter you came for"), required=False, max_length=200)
    visit_key = forms.UUIDField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CallbackForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Call-back outcome"), choices=CallbackOutcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ContestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the rating is malicious or mistaken"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept: exclude the rating")), ("0", _("Reject: the rating stands"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Reasons"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class FilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        required=False,
        queryset=Organisation.objects.filter(kind=OrgKind.DEPARTMENT),
    )
    bad = forms.BooleanField(label=_("Bad ratings only"), required=False)
    by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[
            ("department", _("Department")),
            ("window", _("Window")),
            ("person", _("Person")),
            ("matter", _("Matter")),
        ],
    )


class ObserverInviteForm(forms.Form):
    username = forms.CharField(label=_("Login name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    title = forms.ChoiceField(
        label=_("Title"),
        choices=[
            ("营商环境特约监督员", _("Business environment observer")),
            ("体验员", _("Service tester")),
        ],
    )


class ObservationForm(forms.Form):
    where = forms.ChoiceField(
        label=_("Where"), choices=[("window", _("At a window")), ("online", _("Online"))]
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Organisation.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True),
    )
    window = forms.ModelChoiceField(
        label=_("Window"),
        required=False,
        queryset=Organisation.objects.filter(kind=OrgKind.WINDOW, is_active=True),
    )
    matter = forms.CharField(label=_("Matter"), max_length=200)
    narrative = forms.CharField(
        label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    problem = forms.CharField(
        label=_("Problem found (becomes an appeal)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    key = forms.UUIDField(widget=forms.HiddenInput)
