"""Helpers the appeal pages share: error text, masked rows, paging."""

from typing import Any

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from qinqing.accounts.models import Role
from qinqing.appeals.models import (
    Appeal,
)
from qinqing.lib.masking import mask_name, mask_phone

PAGE_SIZE = 50
LEDGER_ROLES = (
    Role.INTAKE_OPERATOR,
    Role.SUPERVISOR,
    Role.LEADER,
    Role.HANDLER,
    Role.DEPT_HEAD,
    Role.ADMIN,
)


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(" ".join(m) for m in exc.message_dict.values())
    return "；".join(exc.messages)


def _form_errors(form: django_forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{' '.join(errors)}" if label else " ".join(errors))
    return "；".join(parts)


def _masked_rows(appeals: Any) -> list[dict[str, Any]]:
    """List rows: contact details masked (lists never show them in full)."""
    return [
        {
            "appeal": a,
            "requester_name": mask_name(a.requester_name),
            "requester_phone": mask_phone(a.requester_phone),
        }
        for a in appeals
    ]


def _page(qs: QuerySet[Appeal], request: HttpRequest) -> tuple[list[Appeal], int, bool]:
    """Offset pages without COUNT(*): one extra row says whether there is a next page."""
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
