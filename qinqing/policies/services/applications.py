"""一窗兑现: materials and applications, from submission to a decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinqing.core.material_store import OnFile, certificates_on_file
from qinqing.core.notify import notify
from qinqing.enterprises.models import Enterprise
from qinqing.policies import events
from qinqing.policies.facts import facts_for
from qinqing.policies.matching import (
    compile_version,
    decide,
)
from qinqing.policies.models import (
    Application,
    ApplicationStatus,
    Disbursement,
    EnterpriseMaterial,
    MaterialType,
    Outcome,
    PolicyItem,
)
from qinqing.policies.selectors import ensure_manager
from qinqing.policies.services.common import _committed, _money, _move

# --- materials and applications (一窗兑现) -------------------------------------------------


def save_material(
    enterprise: Enterprise,
    *,
    actor: Any,
    material_type: str,
    file: Any,
    valid_to: dt.date | None = None,
) -> EnterpriseMaterial:
    if material_type not in MaterialType.values:
        raise ValidationError({"material_type": _("Unknown material type.")})
    with transaction.atomic():
        material = EnterpriseMaterial.objects.create(
            enterprise=enterprise,
            material_type=material_type,
            file=file,
            valid_to=valid_to,
            uploaded_by=actor,
        )
        events.record(
            "material_uploaded",
            actor=actor,
            data={"enterprise": enterprise.pk, "type": material_type},
        )
    return material


# The certificate kinds in the store (core.material_store, kept by the catalog) that stand
# for each policy material; the first valid one on file is used. A signed application
# form belongs to one application and is never taken from the store.
STORE_KINDS: dict[str, tuple[str, ...]] = {
    MaterialType.LICENCE: ("business_licence",),
    MaterialType.FINANCIALS: ("financial_statements",),
    MaterialType.RD_AUDIT: ("rd_audit_report",),
    MaterialType.TAX_CERT: ("tax_certificate",),
    MaterialType.IP_CERTS: ("ip_certificates",),
    MaterialType.QUAL_CERT: (
        "qual:high_tech",
        "qual:srdi",
        "qual:little_giant",
        "qual:innovative_sme",
        "qual:tech_sme",
        "qual:tech_centre",
    ),
    MaterialType.BANK: ("bank_account",),
}


@dataclass(frozen=True)
class ChecklistRow:
    """One required material: on file in the certificate store (not asked: 已有，免提交),
    else a valid upload in the policy material library, else still to be uploaded."""

    code: str
    label: str
    certificate: OnFile | None = None
    material: EnterpriseMaterial | None = None

    @property
    def on_file(self) -> bool:
        return self.certificate is not None or self.material is not None


def material_checklist(
    item: PolicyItem, enterprise: Enterprise, today: dt.date
) -> list[ChecklistRow]:
    codes = list(item.required_materials or [])
    store = certificates_on_file(
        enterprise.pk, [kind for code in codes for kind in STORE_KINDS.get(code, ())], today
    )
    uploaded: dict[str, EnterpriseMaterial] = {}
    for material in EnterpriseMaterial.objects.filter(
        enterprise=enterprise, material_type__in=codes
    ):
        if material.is_valid_on(today) and material.material_type not in uploaded:
            uploaded[material.material_type] = material
    rows = []
    for code in codes:
        label = str(MaterialType(code).label) if code in MaterialType.values else code
        certificate = next((store[k] for k in STORE_KINDS.get(code, ()) if k in store), None)
        rows.append(
            ChecklistRow(
                code,
                label,
                certificate=certificate,
                material=None if certificate else uploaded.get(code),
            )
        )
    return rows


def _require_materials(checklist: list[ChecklistRow]) -> None:
    missing = [row.label for row in checklist if not row.on_file]
    if missing:
        raise ValidationError(
            {"materials": _("Please upload first: %(missing)s.") % {"missing": "、".join(missing)}}
        )


def _certificate_links(checklist: list[ChecklistRow]) -> list[dict[str, Any]]:
    """What the application took from the certificate store (kept on the application)."""
    return [
        {"material": row.code, **row.certificate.as_link()}
        for row in checklist
        if row.certificate is not None
    ]


def _uploads(checklist: list[ChecklistRow]) -> list[EnterpriseMaterial]:
    return [row.material for row in checklist if row.material is not None]


def submit_application(
    item: PolicyItem,
    *,
    actor: Any,
    enterprise: Enterprise,
    idempotency_key: str,
    amount_requested: Decimal | None = None,
    note: str = "",
) -> Application:
    """Apply for an item. Materials on file are attached (not asked again); the payout
    clock starts now, in working days. The same key returns the same application."""
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    today = timezone.localdate()
    if not item.is_open_for_applications(today):
        raise ValidationError(_("This item does not take applications now."))
    checklist = material_checklist(item, enterprise, today)
    _require_materials(checklist)
    answer = None
    if item.current_rule is not None:
        facts = facts_for([enterprise.pk]).get(enterprise.pk)
        if facts is not None:
            answer = decide(compile_version(item.current_rule, item), facts)
            if answer.outcome == Outcome.INELIGIBLE:
                raise ValidationError(
                    _("By the data on file your enterprise does not meet this item's conditions.")
                )
    from qinqing.workdays.services import deadline_after

    try:
        with transaction.atomic():
            application = Application.objects.create(
                item=item,
                enterprise=enterprise,
                period=item.period or str(today.year),
                applicant=actor,
                status=ApplicationStatus.SUBMITTED,
                note=note,
                amount_requested=amount_requested,
                submitted_at=now,
                due_at=deadline_after(now, item.payout_days),
                rule_version_id=item.current_rule_id,
                decision=answer.snapshot() if answer else {},
                certificates=_certificate_links(checklist),
                idempotency_key=idempotency_key,
            )
            application.materials.set(_uploads(checklist))
            events.application_changed(
                application, actor=actor, action="submit", old="", new=application.status
            )
    except IntegrityError:
        raise ValidationError(
            _("Your enterprise already has an application for this item and period.")
        ) from None
    return application


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("item", "enterprise")
        .get(pk=application.pk)
    )


def _tell_applicant(application: Application, title: str) -> None:
    notify(
        [application.applicant],
        kind="policy_application",
        title=title,
        url=f"/policies/applications/{application.pk}/",
        sms=True,
    )


def return_application(application: Application, *, actor: Any, note: str) -> Application:
    ensure_manager(None, actor, "policies:return_application")
    if not note.strip():
        raise ValidationError({"note": _("Say what needs correcting.")})
    with transaction.atomic():
        application = _move(_locked(application), actor=actor, action="return", note=note)
        _tell_applicant(
            application,
            _("Your application for “%(title)s” needs correction")
            % {"title": application.item.title},
        )
    return application


def resubmit_application(application: Application, *, actor: Any, note: str = "") -> Application:
    """The corrected application starts a new payout clock (补正后重新计时)."""
    from qinqing.workdays.services import deadline_after

    now = timezone.now()
    with transaction.atomic():
        application = _locked(application)
        checklist = material_checklist(
            application.item, application.enterprise, timezone.localdate()
        )
        _require_materials(checklist)
        application.materials.set(_uploads(checklist))
        application = _move(
            application,
            actor=actor,
            action="resubmit",
            note=note,
            fields={
                "submitted_at": now,
                "due_at": deadline_after(now, application.item.payout_days),
                "certificates": _certificate_links(checklist),
            },
        )
    return application


def approve_application(
    application: Application, *, actor: Any, amount: Decimal | None = None, note: str = ""
) -> Application:
    ensure_manager(None, actor, "policies:approve_application")
    with transaction.atomic():
        application = _locked(application)
        item = PolicyItem.objects.select_for_update().get(pk=application.item_id)
        if amount is None:
            amount = _money(application.decision.get("amount")) or application.amount_requested
        if amount is None:
            facts = facts_for([application.enterprise_id]).get(application.enterprise_id)
            amount = _money(item.benefit().amount_for(facts)) if facts else None
        if amount is None or amount < 0:
            raise ValidationError({"amount": _("Give the approved amount (10k yuan).")})
        if item.per_enterprise_cap is not None and amount > item.per_enterprise_cap:
            raise ValidationError(
                {
                    "amount": _("The amount exceeds the cap per enterprise of %(cap)s.")
                    % {"cap": item.per_enterprise_cap}
                }
            )
        if item.budget is not None and _committed(item) + amount > item.budget:
            raise ValidationError(
                {"amount": _("The amount exceeds the budget left for this item.")}
            )
        application = _move(
            application,
            actor=actor,
            action="approve",
            note=note,
            fields={"amount_approved": amount, "decided_at": timezone.now()},
        )
        try:
            with transaction.atomic():
                disbursement = Disbursement.objects.create(
                    item=item,
                    enterprise=application.enterprise,
                    period=application.period,
                    amount=amount,
                    application=application,
                )
        except IntegrityError:
            raise ValidationError(
                _("This enterprise has already been awarded this item for the period.")
            ) from None
        events.disbursement_changed(
            disbursement, actor=actor, action="created", old="", new="pending"
        )
        _tell_applicant(
            application, _("Your application for “%(title)s” was approved") % {"title": item.title}
        )
    return application


def reject_application(application: Application, *, actor: Any, note: str) -> Application:
    ensure_manager(None, actor, "policies:reject_application")
    if not note.strip():
        raise ValidationError({"note": _("Give the reason.")})
    with transaction.atomic():
        application = _move(
            _locked(application),
            actor=actor,
            action="reject",
            note=note,
            fields={"decided_at": timezone.now()},
        )
        _tell_applicant(
            application,
            _("Your application for “%(title)s” was not approved")
            % {"title": application.item.title},
        )
    return application


def withdraw_application(application: Application, *, actor: Any) -> Application:
    with transaction.atomic():
        return _move(_locked(application), actor=actor, action="withdraw")
