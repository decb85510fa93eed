"""The public policy library: list, item, attachments."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qinqing.accounts.permissions import ensure
from qinqing.policies.facts import facts_for
from qinqing.policies.matching import compile_version, decide
from qinqing.policies.models import (
    PolicyAttachment,
)
from qinqing.policies.selectors import (
    access_item,
    can_manage,
    documents_visible_to,
    enterprise_of,
    published_items,
)

# --- library (public) -------------------------------------------------------------------


def library(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    items = published_items(query).order_by("-id")
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/library.html",
        {"page": page, "query": query, "title": _("Policy library")},
    )


def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_item(request, request.user, pk)
    rule = compile_version(item.current_rule, item) if item.current_rule_id else None  # type: ignore[arg-type]
    answer = None
    enterprise = enterprise_of(request.user)
    if enterprise is not None and rule is not None:
        facts = facts_for([enterprise.pk]).get(enterprise.pk)
        answer = decide(rule, facts) if facts else None
    return render(
        request,
        "policies/item_detail.html",
        {
            "item": item,
            "title": item.title,
            "conditions": [c.describe() for c in rule.tops] if rule else [],
            "answer": answer,
            "enterprise": enterprise,
            "manage": can_manage(request.user),
            "can_apply": enterprise is not None
            and item.is_open_for_applications(timezone.localdate()),
            "attachments": item.document.attachments.all(),
        },
    )


def attachment(request: HttpRequest, pk: int) -> FileResponse:
    file = get_object_or_404(PolicyAttachment, pk=pk)
    ensure(
        documents_visible_to(request.user).filter(pk=file.document_id).exists(),
        request,
        request.user,
        "policies:attachment",
        attachment=pk,
    )
    return FileResponse(
        file.file.open("rb"), as_attachment=True, filename=file.file.name.rsplit("/", 1)[-1]
    )
