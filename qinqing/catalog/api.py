"""The catalog for other systems and apps: search, the guide, matters and figures.
Access goes through the same selectors and services as the pages."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from qinqing.accounts.permissions import ensure
from qinqing.catalog import figures, selectors, services
from qinqing.catalog.models import Bundle, Certificate, Matter, ServiceItem
from qinqing.catalog.schemas import (
    CertificateRead,
    FigureRead,
    GuideRead,
    MatterAction,
    MatterCreate,
    MatterRead,
    ServiceItemRead,
)

router = Router(tags=["catalog"])


def item_read(item: ServiceItem, *, materials: bool = False) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "item_type": item.item_type,
        "department": item.department.name,
        "legal_days": item.legal_days,
        "promised_days": item.promised_days,
        "is_instant": item.is_instant,
        "visits": item.visits,
        "online_depth": item.online_depth,
        "channels": item.channels,
        "scope": item.scope,
        "notify_commit": item.notify_commit,
        "tolerate_missing": item.tolerate_missing,
        "instant_approval": item.instant_approval,
        "fee": item.fee,
        "materials": [
            {"name": m.name, "kind": m.kind, "source": m.source, "required": m.required}
            for m in item.materials.all()
        ]
        if materials
        else [],
    }


def bundle_read(bundle: Bundle) -> dict[str, Any]:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "description": bundle.description,
        "items": [e.item.name for e in bundle.entries.select_related("item")],
    }


def matter_read(m: Matter) -> dict[str, Any]:
    return {
        "id": m.pk,
        "number": m.number,
        "item_code": m.item.code,
        "item_name": m.item.name,
        "status": m.status,
        "status_label": str(m.get_status_display()),
        "channel": m.channel,
        "applicant_name": m.applicant_name,
        "submitted_at": m.submitted_at,
        "accepted_at": m.accepted_at,
        "due_at": m.due_at,
        "decided_at": m.decided_at,
        "correction_count": m.correction_count,
        "missing_material": m.missing_material,
        "auto_decision": m.auto_decision,
    }


@router.get("/items", response=list[ServiceItemRead], auth=None, summary="Search the catalog")
def items(
    request: HttpRequest, q: str = "", limit: int = Query(20, ge=1, le=100)
) -> list[dict[str, Any]]:
    return [item_read(i) for i in selectors.search_items(q[:100], limit=limit)]


@router.get(
    "/items/{code}", response=ServiceItemRead, auth=None, summary="One item with its materials"
)
def item(request: HttpRequest, code: str) -> dict[str, Any]:
    found = get_object_or_404(selectors.public_items(), code=code)
    return item_read(found, materials=True)


@router.get("/guide", response=GuideRead, auth=None, summary="The guide: who, what, in your words")
def guide(
    request: HttpRequest, who: str = "enterprise", intent: str = "", text: str = ""
) -> dict[str, Any]:
    result = selectors.guide(who, intent, text[:100])
    return {
        "words": result.words,
        "bundles": [bundle_read(b) for b in result.bundles],
        "items": [item_read(i) for i in result.items],
    }


@router.get("/matters", response=list[MatterRead], summary="Matters the caller may see")
def matters(
    request: HttpRequest, status: str = "", limit: int = Query(50, ge=1, le=500)
) -> list[dict[str, Any]]:
    qs = selectors.matters_visible_to(request.user).select_related("item")
    if status:
        qs = qs.filter(status=status)
    return [matter_read(m) for m in qs[:limit]]


@router.get("/matters/{matter_id}", response=MatterRead)
def matter(request: HttpRequest, matter_id: int) -> dict[str, Any]:
    return matter_read(selectors.access_matter(request.user, matter_id, request=request))


@router.post("/matters", response={201: MatterRead}, summary="Apply online for an item")
def apply(request: HttpRequest, payload: MatterCreate) -> Status:
    found = get_object_or_404(selectors.public_items(), code=payload.item_code)
    created = services.apply_for_item(found, actor=request.user, form_data=payload.form_data)
    return Status(201, matter_read(created))


ACTIONS = (
    "accept",
    "not_accept",
    "review",
    "request_correction",
    "resubmit",
    "approve",
    "refuse",
    "withdraw",
)


@router.post("/matters/{matter_id}/{action}", response=MatterRead, summary="A step on a matter")
def act(request: HttpRequest, matter_id: int, action: str, payload: MatterAction) -> dict[str, Any]:
    m = selectors.access_matter(request.user, matter_id, request=request)
    ensure(action in ACTIONS, request, request.user, f"catalog:api:{action[:30]}")
    user = request.user
    if action == "accept":
        m = services.accept_matter(
            m,
            actor=user,
            missing_material=payload.missing_material,
            missing_days=payload.missing_days,
        )
    elif action == "not_accept":
        m = services.not_accept_matter(
            m, actor=user, reason=payload.reason, legal_ground=payload.legal_ground
        )
    elif action == "review":
        m = services.start_review(m, actor=user)
    elif action == "request_correction":
        m = services.request_correction(m, actor=user, note=payload.note)
    elif action == "resubmit":
        m = services.resubmit_matter(m, actor=user, note=payload.note)
    elif action in ("approve", "refuse"):
        m = services.decide_matter(
            m,
            actor=user,
            approve=action == "approve",
            reason=payload.reason,
            legal_ground=payload.legal_ground,
        )
    else:
        m = services.withdraw_matter(m, actor=user, reason=payload.reason)
    return matter_read(m)


@router.get("/figures", response=list[FigureRead], summary="Catalog figures per department")
def department_figures(request: HttpRequest) -> list[dict[str, Any]]:
    ensure(selectors.is_catalog_staff(request.user), request, request.user, "catalog:api:figures")
    return [
        {
            "department_id": r.department.pk,
            "department": r.department.name,
            "items": r.items,
            "compression": r.compression,
            "instant_rate": r.instant_rate,
            "zero_visit_share": r.zero_visit_share,
            "one_visit_share": r.one_visit_share,
            "online_count": r.online,
            "across_count": r.across,
            "on_time_rate": r.on_time_rate,
            "flags": r.flags,
        }
        for r in figures.department_figures()
    ]


@router.get(
    "/certificates", response=list[CertificateRead], summary="The caller's certificate store"
)
def certificates(request: HttpRequest) -> list[Certificate]:
    enterprise = selectors.own_enterprise(request.user)
    ensure(enterprise is not None, request, request.user, "catalog:api:certificates")
    assert enterprise is not None
    return list(selectors.certificates_visible_to(request.user, enterprise))
