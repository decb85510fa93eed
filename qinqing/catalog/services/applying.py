"""Applying for an item: online, registered at a window, or 帮办代办; 秒批 decisions."""

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qinqing.accounts.models import Role
from qinqing.accounts.permissions import deny, enterprise_uscc, users_with_role
from qinqing.catalog import events, rules, selectors
from qinqing.catalog.models import (
    BundleApplication,
    MaterialSource,
    Matter,
    MatterChannel,
    MatterMaterial,
    MatterStatus,
    ServiceItem,
)
from qinqing.catalog.services.casework import _accept, _decide
from qinqing.catalog.services.common import (
    Uploads,
    _clean,
    _now,
)
from qinqing.catalog.transitions import check
from qinqing.core.notify import notify
from qinqing.enterprises.models import Enterprise

# --- applying -------------------------------------------------------------------------


def _staff_channel(actor: Any, item: ServiceItem, channel: str) -> None:
    if channel != MatterChannel.ONLINE and not selectors.may_register_for(actor, item):
        raise deny(None, actor, "catalog:register_matter", item=item.code)


def _attach_materials(
    matter: Matter, item: ServiceItem, uploads: Uploads, *, allow_missing: bool
) -> list[str]:
    """Materials of the matter: on file (电子证照, 已有免提交), shared by another department,
    uploaded, or missing. Returns the names of the missing required ones."""
    materials = list(item.materials.all())
    on_file = selectors.materials_on_file(matter.enterprise, [m.kind for m in materials])
    missing: list[str] = []
    for material in materials:
        cert = on_file.get(material.kind) if material.kind else None
        if cert is not None:
            MatterMaterial.objects.create(
                matter=matter,
                material=material,
                state=MatterMaterial.State.ON_FILE,
                certificate=cert,
            )
        elif material.source == MaterialSource.DEPARTMENT:
            MatterMaterial.objects.create(
                matter=matter, material=material, state=MatterMaterial.State.ON_FILE
            )
        elif material.key in uploads:
            MatterMaterial.objects.create(
                matter=matter,
                material=material,
                state=MatterMaterial.State.PROVIDED,
                file=uploads[material.key],
            )
        elif material.required:
            missing.append(material.name)
            MatterMaterial.objects.create(
                matter=matter, material=material, state=MatterMaterial.State.MISSING
            )
    if missing and not allow_missing:
        raise ValidationError({"materials": "请上传以下材料：" + "、".join(missing) + "。"})
    return missing


def apply_for_item(
    item: ServiceItem,
    *,
    actor: Any,
    channel: str = MatterChannel.ONLINE,
    enterprise: Enterprise | None = None,
    applicant: Any = None,
    applicant_name: str = "",
    applicant_phone: str = "",
    form_data: Mapping[str, str] | None = None,
    uploads: Uploads | None = None,
    bundle_application: BundleApplication | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """申请: online by the applicant, or registered by staff at a window or as 帮办代办.
    An item marked 秒批 decides at once when its rule holds."""
    _staff_channel(actor, item, channel)
    with transaction.atomic():
        return _apply(
            item,
            actor=actor,
            channel=channel,
            enterprise=enterprise,
            applicant=applicant,
            applicant_name=applicant_name,
            applicant_phone=applicant_phone,
            form_data=form_data or {},
            uploads=uploads or {},
            bundle_application=bundle_application,
            now=_now(now),
        )


def _apply(
    item: ServiceItem,
    *,
    actor: Any,
    channel: str,
    enterprise: Enterprise | None,
    applicant: Any,
    applicant_name: str,
    applicant_phone: str,
    form_data: Mapping[str, str],
    uploads: Uploads,
    bundle_application: BundleApplication | None,
    now: dt.datetime,
) -> Matter:
    if channel not in MatterChannel.values:
        raise ValidationError({"channel": "办理渠道无效。"})
    if not item.is_active or not item.is_complete:
        raise ValidationError({"item": f"事项“{item.name}”尚未开通在线申请，请到窗口咨询。"})
    if channel == MatterChannel.ONLINE:
        applicant = actor
        uscc = enterprise_uscc(actor)
        enterprise = Enterprise.objects.filter(uscc=uscc).first() if uscc else None
        applicant_name = applicant_name or (enterprise.name if enterprise else actor.display_name)
        applicant_phone = applicant_phone or getattr(actor, "phone", "")
    applicant_name = _clean(
        applicant_name or (enterprise.name if enterprise else ""),
        "applicant_name",
        "申请人",
        required=True,
        limit=100,
    )
    applicant_phone = _clean(applicant_phone, "applicant_phone", "联系电话", limit=20)
    data = {
        key: _clean(str(value), key, key, limit=500)
        for key, value in form_data.items()
        if key in item.form_fields
    }
    matter = Matter.objects.create(
        number=f"BJ{now:%Y%m%d}{uuid.uuid4().hex[:8].upper()}",
        item=item,
        bundle_application=bundle_application,
        department_id=item.department_id,
        window_id=item.window_id,
        enterprise=enterprise,
        applicant=applicant if getattr(applicant, "pk", None) else None,
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        channel=channel,
        registered_by=actor if channel != MatterChannel.ONLINE else None,
        status=MatterStatus.SUBMITTED,
        form_data=data,
        submitted_at=now,
    )
    missing = _attach_materials(
        matter,
        item,
        uploads,
        allow_missing=item.tolerate_missing or channel != MatterChannel.ONLINE,
    )
    kind = {"online": "submitted", "window": "registered", "proxy": "proxied"}[channel]
    step = check("submit", "")
    events.record(matter, kind, actor=actor, to_state=step.target or "", missing=missing)
    if item.instant_approval and not missing:
        _auto_decide(matter, actor=actor, now=now)
    if matter.status == MatterStatus.SUBMITTED:
        _notify_department(matter)
    return matter


def _notify_department(matter: Matter) -> None:
    people = [
        *users_with_role(Role.HANDLER, matter.department),
        *users_with_role(Role.DEPT_HEAD, matter.department),
    ]
    notify(
        people,
        kind="catalog_submitted",
        title=f"新办件待受理：{matter.item.name}（{matter.applicant_name}）",
        url=reverse("catalog:matter", args=[matter.pk]),
        dedupe_key=f"catalog-submitted:{matter.pk}",
    )


def _auto_decide(matter: Matter, *, actor: Any, now: dt.datetime) -> None:
    """秒批: evaluate the item's rule on registry facts and the materials on file."""
    item, enterprise = matter.item, matter.enterprise
    kinds = tuple(m.kind for m in item.materials.all() if m.kind and m.required)
    on_file = selectors.materials_on_file(enterprise, kinds)
    facts = rules.Facts(
        in_registry=enterprise is not None,
        serious_dishonesty=enterprise.serious_dishonesty if enterprise else None,
        tax_credit_rating=enterprise.tax_credit_rating if enterprise else "",
        registered_on=enterprise.registered_on if enterprise else None,
        kinds_needed=kinds,
        kinds_on_file=frozenset(on_file),
        today=timezone.localtime(now).date(),
    )
    checks = [c.as_dict() for c in rules.evaluate(item.auto_rule, facts)]
    matter.auto_decision = checks
    matter.save(update_fields=["auto_decision", "updated_at"])
    if not rules.passes(rules.evaluate(item.auto_rule, facts)):
        events.record(
            matter,
            "auto_declined",
            actor=None,
            from_state=matter.status,
            note=rules.explain(checks),
        )
        return
    _accept(matter, actor=None, now=now)
    _decide(
        matter,
        actor=None,
        approve=True,
        reason="秒批：" + rules.explain(checks),
        legal_ground="",
        now=now,
        kind="auto_decided",
    )
