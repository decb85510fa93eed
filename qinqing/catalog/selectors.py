"""Reads: who may see which matter, the certificate store, search and the guide. Every
matter query in views and the API starts from `matters_visible_to` or `access_matter`."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import (
    enterprise_uscc,
    has_role,
    is_admin,
    org_in_scope,
    scope_org_ids,
)
from qinqing.accounts.permissions import scope_filter as _scope
from qinqing.catalog import search
from qinqing.catalog.models import (
    Audience,
    Bundle,
    Certificate,
    Matter,
    MatterMaterial,
    ServiceItem,
    WatchFlag,
)
from qinqing.catalog.vocab import INTENTS
from qinqing.core.audit import record_audit
from qinqing.core.material_store import OnFile
from qinqing.core.models import AuditEvent
from qinqing.enterprises.models import Enterprise

OVERSIGHT_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
DEPARTMENT_ROLES = (Role.HANDLER, Role.DEPT_HEAD)
# who registers at the district's comprehensive windows (综合窗口) for any department
INTAKE_ROLES = (Role.INTAKE_OPERATOR,)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def visibility_condition(user: Any) -> Q:
    """The applicant sees their own matters; department staff their department's (and
    their windows'); supervisors, leaders and administrators everything in scope."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if getattr(user, "is_superuser", False):
        return Q()
    condition = Q(applicant=user)
    uscc = enterprise_uscc(user)
    if uscc:
        condition |= Q(enterprise__uscc=uscc)
    if has_role(user, *OVERSIGHT_ROLES):
        condition |= _scope(user, *OVERSIGHT_ROLES, field="department")
    if has_role(user, *DEPARTMENT_ROLES, *INTAKE_ROLES):
        ids = _department_ids(user)
        condition |= Q(department_id__in=ids) | Q(window_id__in=ids) | Q(registered_by=user)
    return condition


def matters_visible_to(user: Any) -> QuerySet[Matter]:
    return Matter.objects.filter(visibility_condition(user))


def can_see(user: Any, matter: Matter) -> bool:
    if not _authenticated(user):
        return False
    if getattr(user, "is_superuser", False) or matter.applicant_id == user.pk:
        return True
    uscc = enterprise_uscc(user)
    if uscc and matter.enterprise_id and matter.enterprise and matter.enterprise.uscc == uscc:
        return True
    if matter.registered_by_id == user.pk:
        return True
    if org_in_scope(user, matter.department, *OVERSIGHT_ROLES):
        return True
    return may_handle(user, matter)


def access_matter(
    user: Any, matter_id: int, *, for_update: bool = False, request: HttpRequest | None = None
) -> Matter:
    """The matter if `user` may see it, else Http404 (the attempt is audited). With
    `for_update` the row is locked: call inside transaction.atomic."""
    qs = Matter.objects.select_related("item", "department", "window", "enterprise")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    matter = qs.filter(pk=matter_id).first()
    if matter is None or not can_see(user, matter):
        if matter is not None:
            record_audit(
                AuditEvent.Kind.DENIED,
                request=request,
                user=user,
                action="catalog:view_matter",
                matter=matter_id,
            )
        raise Http404("办件不存在或无权查看")
    return matter


def may_handle(user: Any, matter: Matter) -> bool:
    """Department staff of the matter's department or window (and administrators)."""
    if is_admin(user):
        return True
    return org_in_scope(user, matter.department, *DEPARTMENT_ROLES) or org_in_scope(
        user, matter.window, *DEPARTMENT_ROLES
    )


def may_register_for(user: Any, item: ServiceItem) -> bool:
    """Register at a window or 帮办代办: the item's department, or the comprehensive window."""
    if is_admin(user):
        return True
    return org_in_scope(user, item.department, *DEPARTMENT_ROLES, *INTAKE_ROLES)


def is_catalog_staff(user: Any) -> bool:
    return _authenticated(user) and (
        is_admin(user) or has_role(user, *OVERSIGHT_ROLES, *DEPARTMENT_ROLES, *INTAKE_ROLES)
    )


def _department_ids(user: Any) -> list[int]:
    """Ids of the organisations at or under the user's department memberships (one
    query), so that matter queries filter on indexed foreign keys, not tree joins."""
    return (
        sorted(scope_org_ids(user, *DEPARTMENT_ROLES)) if has_role(user, *DEPARTMENT_ROLES) else []
    )


def own_enterprise(user: Any) -> Enterprise | None:
    uscc = enterprise_uscc(user)
    return Enterprise.objects.filter(uscc=uscc).first() if uscc else None


# --- the certificate store -------------------------------------------------------------


def valid_certificates(
    enterprise: Enterprise, today: dt.date | None = None
) -> QuerySet[Certificate]:
    today = today or timezone.localdate()
    return (
        Certificate.objects.filter(enterprise=enterprise)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    )


def materials_on_file(
    enterprise: Enterprise | None, kinds: Iterable[str], today: dt.date | None = None
) -> dict[str, Certificate]:
    """kind -> the enterprise's valid certificate of that kind (the one valid longest).
    Other modules (policy applications) call this to ask each material once."""
    wanted = [k for k in kinds if k]
    if enterprise is None or not wanted:
        return {}
    found: dict[str, Certificate] = {}
    for cert in (
        valid_certificates(enterprise, today).filter(kind__in=wanted).order_by("kind", "-valid_to")
    ):
        current = found.get(cert.kind)
        if current is None or (current.valid_to is not None and cert.valid_to is None):
            found[cert.kind] = cert
    return found


def store_lookup(enterprise_id: int, kinds: list[str], today: dt.date) -> dict[str, OnFile]:
    """The lookup catalog registers with core.material_store: other modules (policy
    applications) find the enterprise's valid certificates without importing catalog."""
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    return {
        kind: OnFile(
            kind=kind,
            certificate_id=cert.pk,
            name=cert.name,
            number=cert.number,
            issuer=cert.issuer,
            valid_to=cert.valid_to,
        )
        for kind, cert in materials_on_file(enterprise, kinds, today).items()
    }


def certificates_visible_to(user: Any, enterprise: Enterprise) -> QuerySet[Certificate]:
    uscc = enterprise_uscc(user)
    if uscc == enterprise.uscc or is_catalog_staff(user):
        return Certificate.objects.filter(enterprise=enterprise)
    return Certificate.objects.none()


# --- the public catalog --------------------------------------------------------------


def public_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(is_active=True).select_related("department")


def search_items(
    query: str, *, department_id: int | None = None, limit: int = 50
) -> list[ServiceItem]:
    """Items whose segmented text holds any query term, most terms first."""
    qs = public_items()
    if department_id:
        qs = qs.filter(department_id=department_id)
    wanted = search.query_terms(query)
    if not wanted:
        return list(qs.order_by("department_id", "code")[:limit])
    condition = Q()
    for term in wanted:
        condition |= Q(search_text__contains=f" {term} ")
    rows = qs.filter(condition).values_list("pk", "search_text", "name", "code")[:2000]
    ids = search.rank(rows, wanted)[:limit]
    found = qs.in_bulk(ids)
    return [found[pk] for pk in ids]


@dataclass
class GuideResult:
    bundles: list[Bundle] = field(default_factory=list)
    items: list[ServiceItem] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def guide(who: str, intent: str, text: str = "", *, limit: int = 20) -> GuideResult:
    """智能导航: who you are (enterprise / person), what you want to do (an intent or
    everyday words) -> the bundles and items to apply for."""
    intent_words = INTENTS.get(intent, ("", ""))[1]
    query = f"{text} {intent_words}".strip()
    audiences = [Audience.BOTH, who] if who in Audience.values else list(Audience.values)
    bundles = Bundle.objects.filter(is_active=True, audience__in=audiences)
    if intent:
        bundles = bundles.filter(
            Q(intent=intent) | (Q(name__contains=text) if text else Q(pk__in=[]))
        )
    elif text:
        words = search.query_terms(text)
        cond = Q(pk__in=[])
        for word in words:
            cond |= Q(name__contains=word) | Q(description__contains=word)
        bundles = bundles.filter(cond)
    else:
        bundles = bundles.none()
    items = [i for i in search_items(query, limit=limit * 3) if i.audience in audiences]
    return GuideResult(list(bundles[:5]), items[:limit], search.query_terms(query))


# --- approval watch --------------------------------------------------------------------


def flags_visible_to(user: Any) -> QuerySet[WatchFlag]:
    qs = WatchFlag.objects.select_related("matter", "matter__item", "department")
    if is_admin(user):
        return qs
    if not _authenticated(user):
        return qs.none()
    return qs.filter(
        _scope(user, *OVERSIGHT_ROLES, field="department")
        | _scope(user, *DEPARTMENT_ROLES, field="department")
    )


# --- files: uploaded materials and certificates ------------------------------------------


def _deny_file(user: Any, request: HttpRequest | None, action: str, **detail: Any) -> Http404:
    record_audit(AuditEvent.Kind.DENIED, request=request, user=user, action=action, **detail)
    return Http404("文件不存在或无权下载")


def _handles_a_matter_using(user: Any, certificate: Certificate) -> bool:
    """Department staff handling a matter that took this certificate from the store."""
    ids = _department_ids(user)
    if not ids:
        return False
    return MatterMaterial.objects.filter(
        Q(matter__department_id__in=ids) | Q(matter__window_id__in=ids), certificate=certificate
    ).exists()


def access_certificate_file(
    user: Any, certificate_id: int, *, request: HttpRequest | None = None
) -> Certificate:
    """A certificate whose file `user` may download: the enterprise's own users, staff of
    a department handling a matter that uses it, administrators. Anyone else gets 404 and
    the attempt is audited."""
    cert = Certificate.objects.select_related("enterprise").filter(pk=certificate_id).first()
    if cert is None:
        raise Http404("文件不存在或无权下载")
    uscc = enterprise_uscc(user) if _authenticated(user) else ""
    allowed = _authenticated(user) and (
        is_admin(user)
        or (bool(uscc) and uscc == cert.enterprise.uscc)
        or _handles_a_matter_using(user, cert)
    )
    if not allowed:
        raise _deny_file(user, request, "catalog:download_certificate", certificate=certificate_id)
    if not cert.file:
        raise Http404("该证照没有上传文件")
    return cert


def may_download_matter_files(user: Any, matter: Matter) -> bool:
    """The applicant and their enterprise's users, staff of the handling department or
    window, administrators: the people who see a matter's download links."""
    if not _authenticated(user):
        return False
    uscc = enterprise_uscc(user)
    return (
        matter.applicant_id == user.pk
        or (bool(uscc) and matter.enterprise is not None and matter.enterprise.uscc == uscc)
        or may_handle(user, matter)
    )


def access_material_file(
    user: Any, matter_id: int, row_id: int, *, request: HttpRequest | None = None
) -> MatterMaterial:
    """A matter's material whose file (uploaded with the matter, or the certificate it
    took from the store) `user` may download: the applicant and their enterprise's users,
    staff of the handling department or window, administrators."""
    row = (
        MatterMaterial.objects.select_related(
            "matter", "matter__enterprise", "matter__department", "matter__window", "material",
            "certificate",
        )
        .filter(pk=row_id, matter_id=matter_id)
        .first()
    )  # fmt: skip
    if row is None:
        raise Http404("文件不存在或无权下载")
    matter = row.matter
    if not may_download_matter_files(user, matter):
        raise _deny_file(
            user, request, "catalog:download_material", matter=matter_id, material=row_id
        )
    if not row.file and not (row.certificate and row.certificate.file):
        raise Http404("该材料没有文件")
    return row
