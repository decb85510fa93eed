"""Writes to the registry. Every change goes through a function here, in a transaction,
with an EnterpriseEvent row.

Profiles: each source's value of each field is a ProfileClaim; the Enterprise row holds
the value of the first source in PROFILE_PRECEDENCE that has one. Yearly figures: each
source's YearFact; the effective values (facts.resolve_year_facts) are kept in YearFigure
for search, and the size class follows from the latest effective year.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.accounts.permissions import ensure, enterprise_uscc
from qinqing.enterprises import events, hooks
from qinqing.enterprises.facts import effective_year_facts
from qinqing.enterprises.fields import (
    PROFILE_BY_NAME,
    YEAR_BY_NAME,
    FieldError,
    model_to_claim,
)
from qinqing.enterprises.models import (
    GOVERNMENT_SOURCES,
    CorrectionRequest,
    CorrectionStatus,
    EarlyWarning,
    Enterprise,
    Pool,
    PoolMembership,
    ProfileClaim,
    Qualification,
    Source,
    Tag,
)
from qinqing.enterprises.profiles import PRECEDENCE_RANK, ProfileRow, apply_profile_rows
from qinqing.enterprises.selectors import can_see_registry, is_registry_officer
from qinqing.enterprises.transitions import CORRECTION_TRANSITIONS, WARNING_TRANSITIONS, check
from qinqing.lib.uscc import UsccError, validate_uscc


def _ensure_officer(actor: Any, action: str, **detail: Any) -> None:
    """The registry's officers (policy officers, administrators) keep it; anyone else is
    refused here too, not only in the view (a second adapter must not forget).
    `actor=None` is a system process (a queued import, a provincial feed): web and API
    adapters always pass the signed-in person, never None."""
    if actor is None:
        return
    ensure(is_registry_officer(actor), None, actor, action, **detail)


def parse_profile_values(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Check raw values (profile field or year field names) as the import does; raises
    ValidationError naming the field, in Chinese."""
    profile: dict[str, str] = {}
    year_values: dict[str, str] = {}
    for name, raw in values.items():
        if raw is None or str(raw).strip() == "":
            continue
        spec = PROFILE_BY_NAME.get(name) or YEAR_BY_NAME.get(name)
        if spec is None:
            raise ValidationError({name: f"未知字段：{name}"})
        try:
            text = spec.parse(str(raw))
        except FieldError as exc:
            raise ValidationError({name: f"{spec.label}：{exc}"}) from exc
        (profile if name in PROFILE_BY_NAME else year_values)[name] = text
    return profile, year_values


def record_profile(
    uscc: str,
    *,
    source: str,
    actor: Any,
    values: dict[str, Any],
    year: int | None = None,
) -> Enterprise:
    """One source's report about one enterprise (profile fields, and yearly figures when
    `year` is given), through the same path as the bulk import."""
    _ensure_officer(actor, "enterprise:record_profile", uscc=uscc)
    try:
        code = validate_uscc(uscc)
    except UsccError as exc:
        raise ValidationError({"uscc": str(exc)}) from exc
    if source not in Source.values:
        raise ValidationError({"source": "数据来源无效"})
    profile, year_values = parse_profile_values(values)
    if year_values and year is None:
        raise ValidationError({"year": "填写年度数据时须注明年份"})
    if (
        "division" in profile
        and not Organisation.objects.filter(
            kind=OrgKind.DIVISION, code=profile["division"]
        ).exists()
    ):
        raise ValidationError({"division": f"行政区划代码 {profile['division']} 不在本系统区划中"})
    apply_profile_rows(
        [ProfileRow(code, source, profile, year, year_values, row_no=1)], actor=actor
    )
    return Enterprise.objects.get(uscc=code)


# --- qualifications, tags, pools ---------------------------------------------------


@transaction.atomic
def record_qualification(
    enterprise: Enterprise,
    *,
    actor: Any,
    kind: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    certificate_no: str = "",
    issuer: str = "",
    level: str = "",
    source: str = Source.OFFICER,
) -> Qualification:
    """Idempotent on (enterprise, kind, certificate number, valid from)."""
    _ensure_officer(actor, "enterprise:qualification", uscc=enterprise.uscc)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": "有效期截止日期不能早于起始日期"})
    qualification, created = Qualification.objects.select_for_update().get_or_create(
        enterprise=enterprise,
        kind=kind,
        certificate_no=certificate_no,
        valid_from=valid_from,
        defaults={"valid_to": valid_to, "issuer": issuer, "level": level, "source": source},
    )
    if not created and (qualification.valid_to, qualification.issuer, qualification.level) != (
        valid_to, issuer, level,
    ):  # fmt: skip
        qualification.valid_to, qualification.issuer, qualification.level = valid_to, issuer, level
        qualification.save(update_fields=["valid_to", "issuer", "level"])
        created = True
    if created:
        events.qualification_recorded(
            enterprise, actor=actor, kind=kind, valid_to=str(valid_to or "")
        )
        hooks.facts_changed([enterprise.pk])
    return qualification


@transaction.atomic
def set_tags(enterprise: Enterprise, *, actor: Any, names: Iterable[str]) -> list[str]:
    _ensure_officer(actor, "enterprise:tags", uscc=enterprise.uscc)
    wanted = {n.strip() for n in names if n.strip()}
    for name in wanted:
        if len(name) > 40:
            raise ValidationError({"tags": f"标签“{name[:10]}…”超过 40 个字"})
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    current = set(locked.tags.values_list("name", flat=True))
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return sorted(current)
    for name in added:
        Tag.objects.get_or_create(name=name)
    locked.tags.add(*Tag.objects.filter(name__in=added))
    locked.tags.remove(*Tag.objects.filter(name__in=removed))
    events.tags_changed(locked, actor=actor, added=added, removed=removed)
    return sorted(wanted)


@transaction.atomic
def enter_pool(
    enterprise: Enterprise, *, actor: Any, pool: Pool, on: dt.date, reason: str
) -> PoolMembership:
    """Put the enterprise into the pool; if it is already in, the open stay is returned."""
    _ensure_officer(actor, "enterprise:pool", uscc=enterprise.uscc)
    if not reason.strip():
        raise ValidationError({"reason": "请填写入库原因"})
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    open_stay = PoolMembership.objects.filter(
        pool=pool, enterprise=enterprise, exited_on__isnull=True
    ).first()
    if open_stay is not None:
        return open_stay
    stay = PoolMembership.objects.create(
        pool=pool, enterprise=enterprise, entered_on=on, entry_reason=reason.strip(),
        entered_by=actor,
    )  # fmt: skip
    events.pool_entered(enterprise, actor=actor, pool=pool.name, reason=reason.strip())
    return stay


@transaction.atomic
def exit_pool(stay: PoolMembership, *, actor: Any, on: dt.date, reason: str) -> PoolMembership:
    _ensure_officer(actor, "enterprise:pool", stay=stay.pk)
    if not reason.strip():
        raise ValidationError({"reason": "请填写出库原因"})
    stay = (
        PoolMembership.objects.select_for_update()
        .select_related("pool", "enterprise")
        .get(pk=stay.pk)
    )
    if stay.exited_on is not None:
        return stay
    if on < stay.entered_on:
        raise ValidationError({"exited_on": "出库日期不能早于入库日期"})
    stay.exited_on, stay.exit_reason = on, reason.strip()
    stay.save(update_fields=["exited_on", "exit_reason"])
    events.pool_exited(stay.enterprise, actor=actor, pool=stay.pool.name, reason=stay.exit_reason)
    return stay


# --- warnings -----------------------------------------------------------------------


@transaction.atomic
def handle_warning(warning: EarlyWarning, *, actor: Any, to: str, note: str = "") -> EarlyWarning:
    """Acknowledge a warning, or record that a visit or an appeal follows from it."""
    ensure(can_see_registry(actor), None, actor, "enterprise:warning", warning=warning.pk)
    warning = (
        EarlyWarning.objects.select_for_update().select_related("enterprise").get(pk=warning.pk)
    )
    if warning.status == to:
        return warning  # a retried click
    check(WARNING_TRANSITIONS, warning.status, to)
    from_state = warning.status
    warning.status = to
    warning.handled_by = actor
    warning.handled_at = timezone.now()
    warning.note = note.strip()[:300]
    warning.save(update_fields=["status", "handled_by", "handled_at", "note"])
    events.warning_handled(
        warning.enterprise, actor=actor, warning_id=warning.pk, from_state=from_state,
        to_state=to, note=warning.note,
    )  # fmt: skip
    return warning


# --- corrections --------------------------------------------------------------------


def _current_profile_winner(enterprise: Enterprise, name: str) -> tuple[str, str]:
    """(value, source) of the winning claim, or the stored value with no source."""
    claims = [
        (PRECEDENCE_RANK.get(s, 99), v, s)
        for s, v in ProfileClaim.objects.filter(enterprise=enterprise, field=name)
        .exclude(value="")
        .values_list("source", "value")
    ]
    if claims:
        _, value, source = min(claims)
        return value, source
    if name == "division":
        return (enterprise.division.code if enterprise.division else ""), ""
    return model_to_claim(name, getattr(enterprise, name)), ""


def _current_year_winner(enterprise: Enterprise, year: int, name: str) -> tuple[str, str]:
    frame = effective_year_facts([enterprise.pk], [year])
    if frame.height == 0 or frame[name][0] is None:
        return "", ""
    value = frame[name][0]
    spec = YEAR_BY_NAME[name]
    return spec.parse(str(value)), frame[f"{name}_source"][0]


@transaction.atomic
def submit_correction(
    enterprise: Enterprise,
    *,
    actor: Any,
    field_name: str,
    value: str,
    reason: str = "",
    year: int | None = None,
) -> CorrectionRequest | None:
    """An enterprise corrects one of its facts. Self-declared (or unsourced) facts are
    recorded at once as its own claim and None is returned; a fact that a government
    source gave becomes a CorrectionRequest for an officer."""
    ensure(
        enterprise_uscc(actor) == enterprise.uscc, None, actor, "enterprise:correct",
        uscc=enterprise.uscc,
    )  # fmt: skip
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    is_year = field_name in YEAR_BY_NAME
    if is_year and year is None:
        raise ValidationError({"year": "更正年度数据须选择年份"})
    profile, year_values = parse_profile_values({field_name: value})
    text = (year_values if is_year else profile).get(field_name)
    if text is None:
        raise ValidationError({"value": "请填写更正后的值"})
    if is_year:
        assert year is not None
        current, source = _current_year_winner(enterprise, year, field_name)
    else:
        current, source = _current_profile_winner(enterprise, field_name)
    if text == current:
        raise ValidationError({"value": "更正后的值与当前值相同"})
    if source not in GOVERNMENT_SOURCES:
        row = ProfileRow(
            enterprise.uscc, Source.SELF, profile, year if is_year else None, year_values, row_no=1
        )
        apply_profile_rows([row], actor=actor)
        return None
    if not reason.strip():
        raise ValidationError({"reason": "更正政府部门提供的数据须说明理由"})
    request = CorrectionRequest.objects.create(
        enterprise=enterprise, field=field_name, year=year if is_year else None,
        current_value=current, current_source=source, proposed_value=text,
        reason=reason.strip()[:300], requested_by=actor,
    )  # fmt: skip
    events.correction_requested(enterprise, actor=actor, request_id=request.pk, field=field_name)
    return request


@transaction.atomic
def review_correction(
    request: CorrectionRequest, *, actor: Any, approve: bool, note: str = ""
) -> CorrectionRequest:
    """Approve (the value becomes an OFFICER-source claim or figure) or reject."""
    _ensure_officer(actor, "correction:review", correction=request.pk)
    request = (
        CorrectionRequest.objects.select_for_update()
        .select_related("enterprise")
        .get(pk=request.pk)
    )
    target = CorrectionStatus.APPROVED if approve else CorrectionStatus.REJECTED
    if request.status == target:
        return request
    check(CORRECTION_TRANSITIONS, request.status, target)
    if not approve and not note.strip():
        raise ValidationError({"note": "驳回更正申请须说明理由"})
    if approve:
        is_year = request.field in YEAR_BY_NAME
        row = ProfileRow(
            request.enterprise.uscc,
            Source.OFFICER,
            {} if is_year else {request.field: request.proposed_value},
            request.year if is_year else None,
            {request.field: request.proposed_value} if is_year else {},
            row_no=1,
        )
        apply_profile_rows([row], actor=actor)
    request.status = target
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.review_note = note.strip()[:300]
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    events.correction_reviewed(
        request.enterprise, actor=actor, request_id=request.pk, to_state=target,
        note=request.review_note,
    )  # fmt: skip
    return request
