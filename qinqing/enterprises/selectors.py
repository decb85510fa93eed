"""Reads of the registry, always through the viewer: enterprise users reach only their
own enterprise; staff (anyone with a membership) see the registry."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404, HttpRequest
from django.utils import timezone

from qinqing.accounts.models import Organisation, Role
from qinqing.accounts.permissions import deny, enterprise_uscc, has_role, is_admin, is_staff_member
from qinqing.enterprises.models import (
    CorrectionRequest,
    CorrectionStatus,
    EarlyWarning,
    Enterprise,
    PoolMembership,
    Qualification,
    Tag,
    YearFigure,
)

# Who may import, manage pools and tags, and review corrections: the officers who keep
# the registry (policy officers) and administrators.
REGISTRY_OFFICER_ROLES = (Role.POLICY_OFFICER, Role.ADMIN)


def is_registry_officer(user: Any) -> bool:
    return has_role(user, *REGISTRY_OFFICER_ROLES) or is_admin(user)


def can_see_registry(user: Any) -> bool:
    return enterprise_uscc(user) is None and is_staff_member(user)


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    own = enterprise_uscc(user)
    if own is not None:
        return Enterprise.objects.filter(uscc=own)
    if is_staff_member(user):
        return Enterprise.objects.all()
    return Enterprise.objects.none()


def access_enterprise(
    user: Any, uscc: str, *, request: HttpRequest | None = None, for_update: bool = False
) -> Enterprise:
    """The enterprise if the user may see it; 404 if it does not exist, an audited 403
    if it is someone else's."""
    qs = Enterprise.objects.select_related("division")
    if for_update:
        qs = qs.select_for_update()
    enterprise = qs.filter(uscc=uscc).first()
    if enterprise is None:
        raise Http404
    if not enterprises_visible_to(user).filter(pk=enterprise.pk).exists():
        raise deny(request, user, "enterprise:view", uscc=uscc)
    return enterprise


def own_enterprise(user: Any) -> Enterprise | None:
    own = enterprise_uscc(user)
    return Enterprise.objects.filter(uscc=own).first() if own else None


@dataclass
class EnterpriseFilter:
    """Search criteria; every field is optional."""

    q: str = ""  # name fragment or credit code
    industry: str = ""  # GB/T 4754 prefix, e.g. C39
    division: int | None = None  # organisation id: the division and everything under it
    size: str = ""
    qualification: str = ""
    held_on: dt.date | None = None  # with qualification: held on that date (default today)
    revenue_year: int | None = None
    revenue_min: Decimal | None = None
    revenue_max: Decimal | None = None
    tag: str = ""
    pool: int | None = None


def is_narrow(criteria: EnterpriseFilter) -> bool:
    """Criteria that keep a small, scattered part of the registry (a tag, a
    qualification, a pool, a division below the top, a short name prefix): better gathered through their own indexes and sorted than
    found by walking the name index, which reads the whole table when matches are rare."""
    if criteria.tag or criteria.qualification or criteria.pool is not None:
        return True
    q = criteria.q.strip()
    if q and not q.isascii() and len(q) < 3:  # a name prefix: its own index range, then sort
        return True
    if criteria.division is None:
        return False
    return Organisation.objects.filter(pk=criteria.division, parent__isnull=False).exists()


def search_enterprises(user: Any, criteria: EnterpriseFilter) -> QuerySet[Enterprise]:
    """The enterprises `user` may see that match every given criterion. Shaped for a
    million rows on PostgreSQL: sub-conditions are EXISTS on indexed keys, so that the
    planner can walk the name index and stop after one page."""
    qs = enterprises_visible_to(user)
    q = criteria.q.strip()
    if q:
        code = q.upper()
        if code.isascii() and code.isalnum():
            qs = qs.filter(uscc=code) if len(code) == 18 else qs.filter(uscc__startswith=code)
        elif len(q) < 3:
            # a trigram index cannot serve one or two characters: match the name's start
            qs = qs.filter(name__startswith=q)
        else:
            qs = qs.filter(name__icontains=q)
    if criteria.industry:
        qs = qs.filter(industry_code__startswith=criteria.industry.strip().upper())
    if criteria.division is not None:
        node = Organisation.objects.filter(pk=criteria.division).first()
        subtree = (
            list(
                Organisation.objects.filter(path__startswith=node.path).values_list("pk", flat=True)
            )
            if node
            else []
        )
        if len(subtree) < Organisation.objects.count():  # the whole tree filters nothing
            qs = qs.filter(division_id__in=subtree)
    if criteria.size:
        qs = qs.filter(size_class=criteria.size)
    if criteria.qualification:
        day = criteria.held_on or timezone.localdate()
        qs = qs.filter(
            Exists(held_on(criteria.qualification, day).filter(enterprise=OuterRef("pk")))
        )
    has_range = criteria.revenue_min is not None or criteria.revenue_max is not None
    if criteria.revenue_year and has_range:
        figures = YearFigure.objects.filter(enterprise=OuterRef("pk"), year=criteria.revenue_year)
        if criteria.revenue_min is not None:
            figures = figures.filter(revenue__gte=criteria.revenue_min)
        if criteria.revenue_max is not None:
            figures = figures.filter(revenue__lte=criteria.revenue_max)
        qs = qs.filter(Exists(figures))
    if criteria.tag:
        tag_id = Tag.objects.filter(name=criteria.tag).values_list("pk", flat=True).first()
        tagged = Enterprise.tags.through.objects.filter(enterprise_id=OuterRef("pk"), tag_id=tag_id)
        qs = qs.filter(Exists(tagged)) if tag_id else qs.none()
    if criteria.pool is not None:
        qs = qs.filter(
            Exists(
                PoolMembership.objects.filter(
                    enterprise=OuterRef("pk"), pool_id=criteria.pool, exited_on__isnull=True
                )
            )
        )
    return qs


def held_on(kind: str, day: dt.date) -> QuerySet[Qualification]:
    """Qualification records of `kind` valid on `day` (valid_to NULL: open-ended)."""
    return Qualification.objects.filter(kind=kind, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def page_of(
    qs: QuerySet[Enterprise], page: int, size: int = 50, *, narrow: bool = False
) -> tuple[list[Enterprise], bool]:
    """One page in name order and whether there is a next one (no COUNT over a million
    rows). For `narrow` criteria (is_narrow) the order is by an expression, so that
    PostgreSQL gathers the matches through their indexes and sorts them."""
    page = max(page, 1)
    start = (page - 1) * size
    order = [Concat("name", Value("")), "pk"] if narrow else ["name", "pk"]
    rows = list(qs.select_related("division").order_by(*order)[start : start + size + 1])
    return rows[:size], len(rows) > size


def warnings_visible_to(user: Any) -> QuerySet[EarlyWarning]:
    if not can_see_registry(user):
        return EarlyWarning.objects.none()
    return EarlyWarning.objects.select_related("enterprise", "rule")


def access_warning(
    user: Any, warning_id: int, *, request: HttpRequest | None = None
) -> EarlyWarning:
    warning = (
        EarlyWarning.objects.select_related("enterprise", "rule").filter(pk=warning_id).first()
    )
    if warning is None:
        raise Http404
    if not can_see_registry(user):
        raise deny(request, user, "warning:handle", warning=warning_id)
    return warning


def corrections_for_review(user: Any) -> QuerySet[CorrectionRequest]:
    if not is_registry_officer(user):
        return CorrectionRequest.objects.none()
    return CorrectionRequest.objects.filter(status=CorrectionStatus.PENDING).select_related(
        "enterprise", "requested_by"
    )


def access_correction(
    user: Any, request_id: int, *, request: HttpRequest | None = None
) -> CorrectionRequest:
    correction = (
        CorrectionRequest.objects.select_related("enterprise").filter(pk=request_id).first()
    )
    if correction is None:
        raise Http404
    if not is_registry_officer(user):
        raise deny(request, user, "correction:review", request_id=request_id)
    return correction


@dataclass
class FieldProvenance:
    name: str
    label: str
    value: str  # the resolved value as shown
    source: str  # the winning source ("" when no source reported it)
    as_of: dt.datetime | None
    others: list[tuple[str, str, dt.datetime]]  # (source, value, as of) of the others


def profile_provenance(enterprise: Enterprise, *, mask: bool) -> list[FieldProvenance]:
    """Each profile field with the source that won and every other source's value."""
    from qinqing.enterprises.fields import PROFILE_FIELDS, model_to_claim
    from qinqing.enterprises.models import PROFILE_PRECEDENCE, ProfileClaim
    from qinqing.lib.masking import mask_phone

    rank = {str(s): i for i, s in enumerate(PROFILE_PRECEDENCE)}
    claims: dict[str, list[tuple[int, str, str, dt.datetime]]] = {}
    for name, source, value, as_of in ProfileClaim.objects.filter(
        enterprise=enterprise
    ).values_list("field", "source", "value", "as_of"):
        claims.setdefault(name, []).append((rank.get(source, 99), source, value, as_of))
    shown = (lambda v: mask_phone(v)) if mask else (lambda v: v)
    out = []
    for spec in PROFILE_FIELDS:
        if spec.name == "division":
            current = enterprise.division.name if enterprise.division else ""
        else:
            current = model_to_claim(spec.name, getattr(enterprise, spec.name))
            if spec.name in {"is_listed", "serious_dishonesty"} and current:
                current = "是" if current == "1" else "否"
        if spec.name == "contact_phone":
            current = shown(current)
        ranked = sorted(c for c in claims.get(spec.name, []) if c[2] != "")
        winner = ranked[0] if ranked else None
        others = [
            (s, shown(v) if spec.name == "contact_phone" else v, at) for _, s, v, at in ranked[1:]
        ]
        out.append(
            FieldProvenance(
                spec.name,
                spec.label,
                current,
                winner[1] if winner else "",
                winner[3] if winner else None,
                others,
            )  # fmt: skip
        )
    return out


@dataclass
class YearRow:
    year: int
    effective: dict[str, Any]  # field -> (value, source)
    by_source: list[tuple[str, dict[str, Any]]]


def year_table(enterprise: Enterprise) -> list[YearRow]:
    """Per year: the effective figures (with the winning source) and each source's."""
    from qinqing.enterprises.facts import YEAR_FIELDS, effective_year_facts
    from qinqing.enterprises.models import YEAR_FACT_PRECEDENCE, YearFact

    effective = {
        row["year"]: {f: (row[f], row[f"{f}_source"]) for f in YEAR_FIELDS}
        for row in effective_year_facts([enterprise.pk]).iter_rows(named=True)
    }
    rank = {str(s): i for i, s in enumerate(YEAR_FACT_PRECEDENCE)}
    per_source: dict[int, list[tuple[str, dict[str, Any]]]] = {}
    for fact in sorted(
        YearFact.objects.filter(enterprise=enterprise),
        key=lambda f: (-f.year, rank.get(f.source, 99)),
    ):
        per_source.setdefault(fact.year, []).append(
            (fact.source, {f: getattr(fact, f) for f in YEAR_FIELDS})
        )
    return [
        YearRow(y, effective.get(y, {}), per_source[y]) for y in sorted(per_source, reverse=True)
    ]
