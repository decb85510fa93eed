"""Forms. The rule editor is a list of condition rows: rows with the same group number
are alternatives (any), groups must all hold (all), and a row can be negated — so an
officer writes “all of (any of ...)” rules without code. Other trees come in as files."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.enterprises.models import QualificationKind
from qinqing.policies.models import MaterialType, PolicyDocument, PolicyItem
from qinqing.policies.rules import (
    CLAUSE_TYPES,
    FIELD_LABELS,
    FLAG_FIELDS,
    OP_LABELS,
    PROFILE_NUMBERS,
    YEAR_FIELDS,
)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = PolicyDocument
        fields = [
            "title",
            "issuer",
            "doc_number",
            "issued_on",
            "effective_from",
            "effective_to",
            "full_text",
        ]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "effective_to": forms.DateInput(attrs={"type": "date"}),
        }


class ItemForm(forms.ModelForm):
    required_materials = forms.MultipleChoiceField(
        label=gettext_lazy("required materials"),
        choices=MaterialType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tiers_text = forms.CharField(
        label=gettext_lazy("tiers"),
        required=False,
        help_text=gettext_lazy(
            "One tier per line: minimum of the base fact, then the amount, e.g. “1000 10”."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = PolicyItem
        fields = [
            "document",
            "title",
            "kind",
            "summary",
            "mode",
            "benefit_kind",
            "amount",
            "rate",
            "cap",
            "base_field",
            "base_year",
            "right_text",
            "budget",
            "per_enterprise_cap",
            "period",
            "valid_from",
            "valid_to",
            "window_opens",
            "window_closes",
            "department",
            "contact_name",
            "contact_phone",
            "payout_days",
            "required_materials",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ("valid_from", "valid_to", "window_opens", "window_closes")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Organisation.objects.filter(
            kind=OrgKind.DEPARTMENT, is_active=True
        )
        self.fields["base_field"] = forms.ChoiceField(
            label=gettext_lazy("base fact"),
            required=False,
            choices=[("", "—")] + [(f, FIELD_LABELS[f]) for f in (*YEAR_FIELDS, *PROFILE_NUMBERS)],
        )
        if self.instance and self.instance.tiers:
            self.initial["tiers_text"] = "\n".join(
                f"{t['min']} {t['amount']}" for t in self.instance.tiers
            )

    def clean_tiers_text(self) -> list[dict[str, float]]:
        tiers = []
        for n, line in enumerate((self.cleaned_data.get("tiers_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                minimum, amount = (float(x) for x in line.split())
            except ValueError:
                raise ValidationError(
                    _("Line %(n)s: write the minimum and the amount, e.g. “1000 10”.") % {"n": n}
                ) from None
            tiers.append({"min": minimum, "amount": amount})
        return tiers

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("benefit_kind")
        if kind == "fixed" and data.get("amount") is None:
            self.add_error("amount", _("A fixed benefit needs its amount."))
        if kind == "percent" and (data.get("rate") is None or not data.get("base_field")):
            self.add_error("rate", _("A percentage needs the rate and the base fact."))
        if kind == "tiers" and (not data.get("tiers_text") or not data.get("base_field")):
            self.add_error("tiers_text", _("Tiers need at least one line and the base fact."))
        if data.get("base_field") in YEAR_FIELDS and not data.get("base_year"):
            self.add_error("base_year", _("Give the year of the base fact."))
        if (
            data.get("window_opens")
            and data.get("window_closes")
            and data["window_opens"] > data["window_closes"]
        ):
            self.add_error("window_closes", _("The window closes before it opens."))
        return data

    def save(self, commit: bool = True) -> PolicyItem:
        item = super().save(commit=False)
        item.tiers = self.cleaned_data.get("tiers_text") or []
        item.required_materials = list(self.cleaned_data.get("required_materials") or [])
        return item


FACT_CHOICES = [("", "—")] + [
    (f, FIELD_LABELS[f]) for f in (*YEAR_FIELDS, *PROFILE_NUMBERS, *FLAG_FIELDS)
]


class ConditionRowForm(forms.Form):
    group = forms.IntegerField(label=gettext_lazy("group"), min_value=1, initial=1)
    negate = forms.BooleanField(label=gettext_lazy("not"), required=False)
    type = forms.ChoiceField(
        label=gettext_lazy("condition"), choices=[("", "—"), *CLAUSE_TYPES.items()], required=False
    )
    field = forms.ChoiceField(label=gettext_lazy("fact"), choices=FACT_CHOICES, required=False)
    field2 = forms.ChoiceField(
        label=gettext_lazy("divided by"), choices=FACT_CHOICES, required=False
    )
    years = forms.CharField(label=gettext_lazy("years"), required=False, max_length=40)
    op = forms.ChoiceField(
        label=gettext_lazy("comparison"), choices=list(OP_LABELS.items()), initial=">="
    )
    value = forms.DecimalField(label=gettext_lazy("value"), required=False)
    bands = forms.CharField(
        label=gettext_lazy("bands"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("e.g. 5000:5, 20000:4, *:3"),
    )
    codes = forms.CharField(label=gettext_lazy("codes"), required=False, max_length=200)
    qualification = forms.ChoiceField(
        label=gettext_lazy("qualification"),
        choices=[("", "—"), *QualificationKind.choices],
        required=False,
    )
    on = forms.DateField(
        label=gettext_lazy("on date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    min_years = forms.IntegerField(
        label=gettext_lazy("held for years"), required=False, min_value=0
    )
    span = forms.IntegerField(label=gettext_lazy("span"), required=False, min_value=1, max_value=5)
    period = forms.CharField(label=gettext_lazy("period"), required=False, max_length=20)
    flag_value = forms.BooleanField(label=gettext_lazy("must be yes"), required=False)


ConditionFormSet = forms.formset_factory(ConditionRowForm, extra=3)


def _years(text: str) -> list[int]:
    try:
        return [int(y) for y in text.replace("，", ",").split(",") if y.strip()]
    except ValueError:
        return []


def _num(value: Any) -> Any:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def row_to_clause(row: dict[str, Any]) -> dict[str, Any]:
    kind = row.get("type")
    years = _years(row.get("years") or "")
    codes = [c.strip() for c in (row.get("codes") or "").replace("，", ",").split(",") if c.strip()]
    on = row["on"].isoformat() if isinstance(row.get("on"), dt.date) else row.get("on")
    clause: dict[str, Any] = {"type": kind}
    if kind in ("division_prefix", "industry_prefix"):
        clause["prefixes"] = codes
    elif kind in ("size_class_in", "tax_credit_in"):
        clause["values"] = codes
    elif kind == "qualification":
        clause.update(kind=row.get("qualification"), on=on, min_years=row.get("min_years") or 0)
    elif kind == "registration_age":
        clause.update(on=on, op=row.get("op"), years=_num(row.get("value")))
    elif kind == "threshold":
        clause.update(field=row.get("field"), op=row.get("op"), value=_num(row.get("value")))
        if row.get("field") not in PROFILE_NUMBERS:
            clause["year"] = years[0] if years else None
    elif kind == "ratio":
        clause.update(
            numerator=row.get("field"), denominator=row.get("field2"), years=years, op=row.get("op")
        )
        if row.get("bands"):
            bands = []
            for part in row["bands"].replace("，", ",").split(","):
                upto, _sep, value = part.partition(":")
                try:
                    bands.append(
                        {
                            "upto": None if upto.strip() in ("*", "") else float(upto),
                            "value": float(value),
                        }
                    )
                except ValueError:
                    bands.append({"upto": upto, "value": value})
            clause["bands"] = bands
        else:
            clause["value"] = _num(row.get("value"))
    elif kind == "growth":
        clause.update(
            field=row.get("field"),
            year=years[0] if years else None,
            span=row.get("span") or 1,
            op=row.get("op"),
            value=_num(row.get("value")),
        )
    elif kind == "flag":
        clause.update(field=row.get("field"), value=bool(row.get("flag_value")))
    elif kind == "not_awarded":
        clause["period"] = row.get("period") or ""
    return clause


def rows_to_tree(rows: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if not row or not row.get("type"):
            continue
        clause = row_to_clause(row)
        groups.setdefault(row.get("group") or 1, []).append(
            {"not": clause} if row.get("negate") else clause
        )
    parts = [
        members[0] if len(members) == 1 else {"any": members}
        for _g, members in sorted(groups.items())
    ]
    if not parts:
        raise ValidationError(_("Write at least one condition."))
    return {"all": parts}


def clause_to_row(clause: dict[str, Any], group: int) -> dict[str, Any] | None:
    negate = False
    if set(clause) == {"not"}:
        negate, clause = True, clause["not"]
    kind = clause.get("type")
    if kind is None:
        return None
    row: dict[str, Any] = {
        "group": group,
        "negate": negate,
        "type": kind,
        "op": clause.get("op", ">="),
    }
    if kind in ("division_prefix", "industry_prefix"):
        row["codes"] = ", ".join(clause.get("prefixes", []))
    elif kind in ("size_class_in", "tax_credit_in"):
        row["codes"] = ", ".join(clause.get("values", []))
    elif kind == "qualification":
        row.update(
            qualification=clause.get("kind"),
            on=clause.get("on"),
            min_years=clause.get("min_years") or 0,
        )
    elif kind == "registration_age":
        row.update(on=clause.get("on"), value=clause.get("years"))
    elif kind == "threshold":
        if "terms" in clause:
            return None  # weighted sums: file only
        row.update(
            field=clause.get("field"),
            years=str(clause.get("year") or ""),
            value=clause.get("value"),
        )
    elif kind == "ratio":
        row.update(
            field=clause.get("numerator"),
            field2=clause.get("denominator"),
            years=",".join(str(y) for y in clause.get("years", [])),
            value=clause.get("value"),
        )
        if clause.get("bands"):
            row["bands"] = ", ".join(
                f"{'*' if b['upto'] is None else _num(b['upto'])}:{_num(b['value'])}"
                for b in clause["bands"]
            )
    elif kind == "growth":
        row.update(
            field=clause.get("field"),
            years=str(clause.get("year")),
            span=clause.get("span", 1),
            value=clause.get("value"),
        )
    elif kind == "flag":
        row.update(field=clause.get("field"), flag_value=bool(clause.get("value")))
    elif kind == "not_awarded":
        if clause.get("item") is not None:
            return None
        row["period"] = clause.get("period")
    return row


def tree_to_rows(tree: Any) -> list[dict[str, Any]] | None:
    """The rows for the editor, or None when the tree needs the file format."""
    if not isinstance(tree, dict) or set(tree) != {"all"}:
        return None
    rows = []
    for group, part in enumerate(tree["all"], start=1):
        members = part["any"] if isinstance(part, dict) and set(part) == {"any"} else [part]
        for member in members:
            row = clause_to_row(member, group) if isinstance(member, dict) else None
            if row is None:
                return None
            rows.append(row)
    return rows


class RuleFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("rule file (JSON)"))

    def clean_file(self) -> Any:
        raw = self.cleaned_data["file"].read()
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(
                _("The file is not valid JSON: %(error)s") % {"error": exc}
            ) from None


class MaterialForm(forms.Form):
    material_type = forms.ChoiceField(label=gettext_lazy("material"), choices=MaterialType.choices)
    file = forms.FileField(label=gettext_lazy("file"))
    valid_to = forms.DateField(
        label=gettext_lazy("valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 10 MB."))
        if not upload.name.lower().endswith((".pdf", ".jpg", ".jpeg", ".png", ".ofd")):
            raise ValidationError(_("Upload a PDF, OFD, JPG or PNG file."))
        return upload


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = forms.DecimalField(
        label=gettext_lazy("approved amount (10k yuan)"), required=False, min_value=0
    )


class BatchForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("award period"), max_length=20)
    key = forms.CharField(widget=forms.HiddenInput)
