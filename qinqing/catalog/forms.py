"""Shapes of input on the catalog pages (types, lengths); rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.catalog.imports import MODES
from qinqing.catalog.models import Audience, MatterChannel
from qinqing.catalog.vocab import CERTIFICATE_KINDS, INTENTS

MAX_UPLOAD = 10 * 1024 * 1024
ALLOWED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd")


def check_upload(upload: object) -> None:
    name = str(getattr(upload, "name", "")).lower()
    if getattr(upload, "size", 0) > MAX_UPLOAD:
        raise forms.ValidationError(_("A file may be at most 10 MB."))
    if not name.endswith(ALLOWED_SUFFIXES):
        raise forms.ValidationError(_("Upload a PDF, OFD, JPG or PNG file."))


class SearchForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("catalog", "Search"), max_length=100, required=False)
    department = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class GuideForm(forms.Form):
    who = forms.ChoiceField(
        label=_("Who are you"),
        choices=[(Audience.ENTERPRISE, _("An enterprise")), (Audience.PERSON, _("A person"))],
        widget=forms.RadioSelect,
        initial=Audience.ENTERPRISE,
    )
    intent = forms.ChoiceField(
        label=_("What do you want to do"),
        choices=[("", _("Something else"))] + [(k, v[0]) for k, v in INTENTS.items()],
        required=False,
    )
    text = forms.CharField(label=_("In your own words"), max_length=100, required=False)
    where = forms.CharField(label=_("Where (street or town)"), max_length=50, required=False)


class RegisterForm(forms.Form):
    """Staff registering at a window or as 帮办代办 on someone's behalf."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (MatterChannel.WINDOW, pgettext_lazy("catalog", "At a window")),
            (MatterChannel.PROXY, _("Assisted by staff")),
        ],
    )
    uscc = forms.CharField(label=_("Credit code of the enterprise"), max_length=18, required=False)
    applicant_name = forms.CharField(label=_("Applicant"), max_length=100)
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class AcceptForm(forms.Form):
    missing_material = forms.CharField(
        label=_("Missing material (accept for now)"), max_length=120, required=False
    )
    missing_days = forms.IntegerField(
        label=_("Supply within (working days)"), min_value=1, max_value=30, initial=5
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("catalog", "Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    legal_ground = forms.CharField(label=_("Legal ground"), max_length=300, required=False)


class DecideForm(forms.Form):
    reason = forms.CharField(
        label=_("Opinion"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    legal_ground = forms.CharField(label=_("Legal ground"), max_length=300, required=False)
    document_dated = forms.DateField(
        label=_("Decision document dated"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What to correct"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=list(CERTIFICATE_KINDS.items()))
    number = forms.CharField(label=_("Number"), max_length=80)
    issuer = forms.CharField(label=_("Issuer"), max_length=100, required=False)
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(label=_("File"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload


class ExplainForm(forms.Form):
    explanation = forms.CharField(
        label=_("Explanation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    mode = forms.ChoiceField(
        label=_("When some rows are wrong"),
        choices=[(MODES[0], _("Import nothing")), (MODES[1], _("Import the valid rows"))],
    )
    create_departments = forms.BooleanField(label=_("Create missing departments"), required=False)
