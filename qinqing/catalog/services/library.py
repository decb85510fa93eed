"""The catalog itself, the certificate store and explanations of approval-watch flags."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import deny, enterprise_uscc, org_in_scope
from qinqing.catalog import search, selectors
from qinqing.catalog.models import (
    Certificate,
    CertificateSource,
    Material,
    MatterMaterial,
    ServiceItem,
    WatchFlag,
)
from qinqing.catalog.services.common import (
    _clean,
)
from qinqing.catalog.vocab import kind_label
from qinqing.enterprises.models import Enterprise

# --- the catalog ----------------------------------------------------------------------


def index_item(item: ServiceItem) -> None:
    """Refresh the segmented search text (call before saving an item)."""
    item.search_text = search.index_text(
        item.name,
        item.main_item_name,
        item.keywords,
        item.department.short_name or item.department.name,
    )


def replace_materials(item: ServiceItem, materials: list[dict[str, Any]]) -> None:
    """Make the item's materials the given list (by name). A material that matters
    already refer to and that is no longer listed stays, as optional, for their record."""
    existing = {m.name: m for m in item.materials.all()}
    for order, spec in enumerate(materials):
        fields = {**spec, "order": order}
        current = existing.pop(spec["name"], None)
        if current is None:
            Material.objects.create(item=item, **fields)
        else:
            for key, value in fields.items():
                setattr(current, key, value)
            current.required = spec.get("required", True)
            current.save()
    stale = [m.pk for m in existing.values()]
    used = set(
        MatterMaterial.objects.filter(material_id__in=stale).values_list("material_id", flat=True)
    )
    Material.objects.filter(pk__in=[pk for pk in stale if pk not in used]).delete()
    Material.objects.filter(pk__in=used).update(required=False, order=999)


# --- the certificate store ------------------------------------------------------------


def upload_certificate(
    enterprise: Enterprise,
    *,
    actor: Any,
    kind: str,
    number: str,
    issuer: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    file: UploadedFile | None = None,
) -> Certificate:
    """An enterprise (or staff for it) puts a certificate in the store."""
    if enterprise_uscc(actor) != enterprise.uscc and not selectors.is_catalog_staff(actor):
        raise deny(None, actor, "catalog:upload_certificate", enterprise=enterprise.uscc)
    number = _clean(number, "number", "证照编号", required=True, limit=80)
    kind = _clean(kind, "kind", "证照类型", required=True, limit=40)
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": "有效期止不能早于有效期起。"})
    with transaction.atomic():
        cert, _ = Certificate.objects.update_or_create(
            enterprise=enterprise,
            kind=kind,
            number=number,
            defaults={
                "name": kind_label(kind),
                "issuer": _clean(issuer, "issuer", "发证机关", limit=100),
                "valid_from": valid_from,
                "valid_to": valid_to,
                "source": CertificateSource.UPLOAD,
                "recorded_by": actor if getattr(actor, "pk", None) else None,
                **({"file": file} if file is not None else {}),
            },
        )
        return cert


def sync_registry_certificates(enterprise: Enterprise) -> int:
    """Put the registry's qualifications (高新技术企业, 专精特新 …) into the store; safe
    to run again. Returns how many certificates were created."""
    created = 0
    with transaction.atomic():
        for q in enterprise.qualifications.all():
            _, new = Certificate.objects.update_or_create(
                enterprise=enterprise,
                kind=f"qual:{q.kind}",
                number=q.certificate_no or f"{q.kind}-{q.valid_from:%Y%m%d}",
                defaults={
                    "name": kind_label(f"qual:{q.kind}"),
                    "issuer": q.issuer,
                    "valid_from": q.valid_from,
                    "valid_to": q.valid_to,
                    "source": CertificateSource.REGISTRY,
                    "source_ref": f"qualification:{q.pk}",
                },
            )
            created += int(new)
    return created


# --- the approval watch ---------------------------------------------------------------


def explain_flag(flag: WatchFlag, *, actor: Any, explanation: str) -> WatchFlag:
    """The department explains a flag (情况说明); the flag itself stays."""
    if not org_in_scope(actor, flag.department, Role.HANDLER, Role.DEPT_HEAD, Role.ADMIN):
        raise deny(None, actor, "catalog:explain_flag", flag=flag.pk)
    with transaction.atomic():
        flag = WatchFlag.objects.select_for_update().get(pk=flag.pk)
        flag.explanation = _clean(explanation, "explanation", "情况说明", required=True)
        flag.explained_by, flag.explained_at = actor, timezone.now()
        flag.save(update_fields=["explanation", "explained_by", "explained_at"])
        return flag
