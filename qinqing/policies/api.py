"""JSON API under /api/v1/policies: the library, answers, rule files, figures."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from qinqing.accounts.permissions import can_view_enterprise, ensure, is_staff_member
from qinqing.enterprises.models import Enterprise
from qinqing.lib.paging import MAX_OFFSET
from qinqing.policies import metrics, services
from qinqing.policies.matching import Answer, answers_for, compile_version
from qinqing.policies.models import PolicyItem
from qinqing.policies.schemas import (
    AnswerRead,
    ItemRead,
    PolicyFiguresRead,
    RuleFile,
    RuleVersionRead,
)
from qinqing.policies.selectors import access_item, ensure_manager, enterprise_of, published_items

router = Router(tags=["policies"])


def _item(item: PolicyItem) -> dict[str, Any]:
    rule = compile_version(item.current_rule, item) if item.current_rule_id else None  # type: ignore[arg-type]
    return {
        "id": item.pk,
        "title": item.title,
        "kind": item.kind,
        "mode": item.mode,
        "summary": item.summary,
        "benefit_kind": item.benefit_kind,
        "amount": item.amount,
        "department": item.department.name,
        "contact_name": item.contact_name,
        "contact_phone": item.contact_phone,
        "valid_from": item.valid_from,
        "valid_to": item.valid_to,
        "document_title": item.document.title,
        "doc_number": item.document.doc_number,
        "conditions": [c.describe() for c in rule.tops] if rule else [],
    }


def _answers(answers: list[Answer]) -> list[dict[str, Any]]:
    titles = dict(
        PolicyItem.objects.filter(pk__in=[a.item_id for a in answers]).values_list("pk", "title")
    )
    return [
        {
            "item_id": a.item_id,
            "title": titles.get(a.item_id, ""),
            "outcome": a.outcome,
            "amount": a.amount,
            "rule_version": a.version_id,
            "conditions": [{"status": s, "text": r.text} for s, r in a.conditions],
        }
        for a in answers
    ]


@router.get("/items", response=list[ItemRead], summary="Published policy items (search with q)")
def list_items(
    request: HttpRequest,
    q: str = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[dict[str, Any]]:
    items = (
        published_items(q).select_related("current_rule").order_by("-id")[offset : offset + limit]
    )
    return [_item(i) for i in items]


@router.get("/items/{item_id}", response=ItemRead, summary="One policy item with its conditions")
def get_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    return _item(access_item(request, request.user, item_id))


@router.get("/my", response=list[AnswerRead], summary="What the caller's enterprise qualifies for")
def my_answers(request: HttpRequest) -> list[dict[str, Any]]:
    enterprise = enterprise_of(request.user)
    ensure(enterprise is not None, request, request.user, "api:policies_my")
    assert enterprise is not None
    return _answers([a for a in answers_for(enterprise.pk) if a.outcome != "N"])


@router.get(
    "/enterprises/{uscc}/answers",
    response=list[AnswerRead],
    summary="An enterprise's answers (staff)",
)
def enterprise_answers(request: HttpRequest, uscc: str) -> list[dict[str, Any]]:
    ensure(can_view_enterprise(request.user, uscc), request, request.user, "api:policies_answers")
    enterprise = get_object_or_404(Enterprise, uscc=uscc)
    return _answers(answers_for(enterprise.pk))


@router.get("/items/{item_id}/rule", response=RuleFile, summary="The published rule as a rule file")
def export_rule(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = access_item(request, request.user, item_id)
    ensure(item.current_rule is not None, request, request.user, "api:policies_rule")
    return services.export_rule(item.current_rule)  # type: ignore[arg-type]


@router.post(
    "/items/{item_id}/rule",
    response={201: RuleVersionRead},
    summary="Import a rule file as a draft",
)
def import_rule(request: HttpRequest, item_id: int, payload: RuleFile) -> Any:
    ensure_manager(request, request.user, "api:policies_import_rule")
    item = access_item(request, request.user, item_id)
    version = services.import_rule(item, actor=request.user, data=payload.dict())
    return Status(201, version)


@router.get(
    "/figures",
    response=PolicyFiguresRead,
    summary="Applications, approval rate, days to pay, amounts",
)
def figures(request: HttpRequest) -> dict[str, Any]:
    ensure(is_staff_member(request.user), request, request.user, "api:policies_figures")
    return metrics.application_figures()
