"""/api/v1/enterprises: search (staff), one enterprise (enterprise users: their own),
imports and warnings. Thin: selectors and services do the work."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from qinqing.accounts.permissions import deny
from qinqing.enterprises import services
from qinqing.enterprises.imports import start_import
from qinqing.enterprises.models import Enterprise, ImportJob, WarningStatus
from qinqing.enterprises.schemas import (
    EnterpriseDetailRead,
    EnterprisePage,
    ImportJobRead,
    WarningHandle,
    WarningRead,
)
from qinqing.enterprises.selectors import (
    EnterpriseFilter,
    access_enterprise,
    access_warning,
    can_see_registry,
    is_narrow,
    is_registry_officer,
    page_of,
    profile_provenance,
    search_enterprises,
    warnings_visible_to,
)
from qinqing.enterprises.transitions import TransitionError
from qinqing.lib.masking import mask_phone
from qinqing.lib.paging import MAX_PAGE

router = Router(tags=["enterprises"])


class SearchParams(Schema):
    q: str = ""
    industry: str = ""
    division: int | None = None
    size: str = ""
    qualification: str = ""
    held_on: dt.date | None = None
    revenue_year: int | None = None
    revenue_min: Decimal | None = None
    revenue_max: Decimal | None = None
    tag: str = ""
    pool: int | None = None
    page: int = Field(1, ge=1, le=MAX_PAGE)


def _row(e: Enterprise, *, masked: bool) -> dict[str, Any]:
    return {
        "uscc": e.uscc,
        "name": e.name,
        "division_code": e.division.code if e.division else None,
        "industry_code": e.industry_code,
        "size_class": e.size_class,
        "size_basis_year": e.size_basis_year,
        "contact_name": e.contact_name,
        "contact_phone": mask_phone(e.contact_phone) if masked else e.contact_phone,
    }


@router.get("/", response=EnterprisePage, summary="Search the registry (staff)")
def list_enterprises(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    if not can_see_registry(request.user):
        raise deny(request, request.user, "api:enterprises:list")
    page = max(params.page, 1)
    criteria = EnterpriseFilter(
        q=params.q, industry=params.industry, division=params.division, size=params.size,
        qualification=params.qualification, held_on=params.held_on,
        revenue_year=params.revenue_year, revenue_min=params.revenue_min,
        revenue_max=params.revenue_max, tag=params.tag, pool=params.pool,
    )  # fmt: skip
    qs = search_enterprises(request.user, criteria)
    rows, has_next = page_of(qs, page, narrow=is_narrow(criteria))
    return {"items": [_row(e, masked=True) for e in rows], "page": page, "has_next": has_next}


@router.post("/imports", response={200: ImportJobRead, 201: ImportJobRead}, summary="Import a file")
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    kind: Form[str] = ImportJob.Kind.PROFILES,
    all_or_nothing: Form[bool] = False,
) -> Status:
    """Send the `Idempotency-Key` header to make a retried call return the same job."""
    if not is_registry_officer(request.user):
        raise deny(request, request.user, "api:enterprises:import")
    if kind not in ImportJob.Kind.values or not (file.name or "").lower().endswith(
        (".xlsx", ".csv")
    ):
        raise ValidationError({"file": "只支持 .xlsx 或 .csv 文件，类型为 profiles 或 indicators"})
    key = request.headers.get("Idempotency-Key") or uuid.uuid4().hex
    job, created = start_import(
        file, kind=kind, actor=request.user, all_or_nothing=all_or_nothing,
        idempotency_key=f"api:{request.user.pk}:{key}"[:64],
    )  # fmt: skip
    return Status(201 if created else 200, job)


@router.get("/imports/{job_id}", response=ImportJobRead, summary="An import's progress and errors")
def get_import(request: HttpRequest, job_id: int) -> ImportJob:
    if not is_registry_officer(request.user):
        raise deny(request, request.user, "api:enterprises:import")
    return get_object_or_404(ImportJob, pk=job_id)


@router.get("/warnings", response=list[WarningRead], summary="Early warnings (staff)")
def list_warnings(request: HttpRequest, status: str = WarningStatus.OPEN) -> list[dict[str, Any]]:
    if not can_see_registry(request.user):
        raise deny(request, request.user, "api:enterprises:warnings")
    qs = warnings_visible_to(request.user).filter(status=status).order_by("-period", "-id")[:500]
    return [
        {
            "id": w.pk,
            "uscc": w.enterprise.uscc,
            "enterprise": w.enterprise.name,
            "rule": w.rule.name,
            "period": w.period,
            "value": w.value,
            "baseline": w.baseline,
            "change_percent": w.change_percent,
            "status": w.status,
        }  # fmt: skip
        for w in qs
    ]


@router.post(
    "/warnings/{warning_id}/handle", response=WarningRead, summary="Acknowledge or escalate"
)
def handle_warning(request: HttpRequest, warning_id: int, payload: WarningHandle) -> dict[str, Any]:
    warning = access_warning(request.user, warning_id, request=request)
    if payload.to not in WarningStatus.values or payload.to == WarningStatus.OPEN:
        raise ValidationError({"to": "状态应为 acknowledged、visit 或 appeal"})
    try:
        w = services.handle_warning(warning, actor=request.user, to=payload.to, note=payload.note)
    except TransitionError as exc:
        raise ValidationError({"to": str(exc)}) from exc
    return {
        "id": w.pk, "uscc": w.enterprise.uscc, "enterprise": w.enterprise.name, "rule": w.rule.name,
        "period": w.period, "value": w.value, "baseline": w.baseline,
        "change_percent": w.change_percent, "status": w.status,
    }  # fmt: skip


@router.get("/{uscc}", response=EnterpriseDetailRead, summary="One enterprise's profile")
def get_enterprise(request: HttpRequest, uscc: str) -> dict[str, Any]:
    enterprise = access_enterprise(request.user, uscc.upper(), request=request)
    profile = [
        {
            "field": f.name,
            "value": f.value,
            "source": f.source,
            "as_of": f.as_of,
            "others": [{"source": s, "value": v} for s, v, _ in f.others],
        }  # fmt: skip
        for f in profile_provenance(enterprise, mask=False)
    ]
    return {
        **_row(enterprise, masked=False),
        "legal_form": enterprise.legal_form,
        "registered_on": enterprise.registered_on,
        "registered_capital": enterprise.registered_capital,
        "address": enterprise.address,
        "profile": profile,
        "qualifications": list(
            enterprise.qualifications.values(
                "kind", "certificate_no", "issuer", "valid_from", "valid_to"
            )
        ),
        "figures": list(
            enterprise.figures.order_by("-year").values(
                "year", "employees", "revenue", "total_assets", "revenue_source"
            )
        ),
        "pools": [
            {
                "pool": s.pool.name,
                "entered_on": s.entered_on,
                "entry_reason": s.entry_reason,
                "exited_on": s.exited_on,
                "exit_reason": s.exit_reason,
            }  # fmt: skip
            for s in enterprise.pool_memberships.select_related("pool")
        ],
        "tags": sorted(enterprise.tags.values_list("name", flat=True)),
    }
