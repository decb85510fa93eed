"""免申即享: grant batches computed from the registry, approved and disbursed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinqing.core.audit import record_audit
from qinqing.core.models import AuditEvent
from qinqing.core.notify import notify
from qinqing.policies import events
from qinqing.policies.facts import facts_for
from qinqing.policies.matching import (
    compile_version,
    decide,
)
from qinqing.policies.models import (
    Application,
    Disbursement,
    GrantBatch,
    GrantLine,
    ItemMode,
    MatchResult,
    Outcome,
    PolicyEvent,
    PolicyItem,
    PublishStatus,
)
from qinqing.policies.selectors import ensure_manager
from qinqing.policies.services.common import _committed, _money, _move
from qinqing.policies.services.rematch import enterprise_users
from qinqing.policies.transitions import BATCH, DISBURSEMENT, check

# --- 免申即享 grants ------------------------------------------------------------------------


def create_grant_batch(
    item: PolicyItem, *, actor: Any, period: str, idempotency_key: str
) -> GrantBatch:
    """A grant list of eligible enterprises for review, within the budget left. The same
    key returns the same batch (retries are safe)."""
    ensure_manager(None, actor, "policies:create_grant_batch")
    existing = GrantBatch.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    period = (period or "").strip()
    if not period:
        raise ValidationError({"period": _("Give the award period, e.g. 2025.")})
    with transaction.atomic():
        item = PolicyItem.objects.select_for_update().get(pk=item.pk)
        if (
            item.mode != ItemMode.AUTO
            or item.status != PublishStatus.PUBLISHED
            or item.current_rule is None
        ):
            raise ValidationError(
                _("Grant lists are only for published no-application items with a rule.")
            )
        compiled = compile_version(item.current_rule, item)
        candidates = list(
            MatchResult.objects.filter(item=item, outcome=Outcome.ELIGIBLE)
            .order_by("enterprise_id")
            .values_list("enterprise_id", flat=True)
        )
        facts = facts_for(candidates)
        paid = set(
            Disbursement.objects.filter(item=item, period=period, enterprise_id__in=candidates)
            .exclude(status=Disbursement.Status.CANCELLED)
            .values_list("enterprise_id", flat=True)
        )
        listed = set(
            GrantLine.objects.filter(
                batch__item=item,
                batch__period=period,
                status=GrantLine.Status.INCLUDED,
                batch__status=GrantBatch.Status.DRAFT,
            ).values_list("enterprise_id", flat=True)
        )
        left = None if item.budget is None else item.budget - _committed(item)
        batch = GrantBatch.objects.create(
            item=item, period=period, created_by=actor, idempotency_key=idempotency_key
        )
        lines, total = [], Decimal(0)
        for enterprise_id in candidates:
            if enterprise_id not in facts or enterprise_id in listed:
                continue
            answer = decide(compiled, facts[enterprise_id])
            if answer.outcome != Outcome.ELIGIBLE:
                continue  # facts changed since the last run
            amount = _money(answer.amount) or Decimal(0)
            if enterprise_id in paid:
                status = GrantLine.Status.ALREADY_PAID
            elif left is not None and total + amount > left:
                status = GrantLine.Status.OVER_BUDGET
            else:
                status = GrantLine.Status.INCLUDED
                total += amount
            lines.append(
                GrantLine(
                    batch=batch,
                    enterprise_id=enterprise_id,
                    amount=amount,
                    status=status,
                    rule_version_id=compiled.version_id,
                    decision=answer.snapshot(),
                )
            )
        GrantLine.objects.bulk_create(lines)
        batch.total = total
        batch.save(update_fields=["total"])
        events.batch_changed(
            batch,
            actor=actor,
            action="created",
            old="",
            new=batch.status,
            data={"lines": len(lines), "total": str(total)},
        )
    return batch


def remove_grant_line(line: GrantLine, *, actor: Any, note: str = "") -> GrantLine:
    ensure_manager(None, actor, "policies:remove_grant_line")
    with transaction.atomic():
        batch = GrantBatch.objects.select_for_update().get(pk=line.batch_id)
        line = GrantLine.objects.select_for_update().get(pk=line.pk)
        if batch.status != GrantBatch.Status.DRAFT or line.status != GrantLine.Status.INCLUDED:
            raise ValidationError(_("Only included lines of a list under review can be removed."))
        line.status = GrantLine.Status.REMOVED
        line.save(update_fields=["status"])
        batch.total -= line.amount
        batch.save(update_fields=["total", "updated_at"])
        events.batch_changed(
            batch,
            actor=actor,
            action="line_removed",
            old="",
            new="",
            data={"enterprise": line.enterprise_id, "note": note},
        )
    return line


def approve_grant_batch(batch: GrantBatch, *, actor: Any) -> GrantBatch:
    """Approve the list: one pending disbursement per included line. The approver must
    not be the officer who prepared the list (四眼原则). The item row lock
    serialises approvals of one item; the budget and the once-per-period rule are
    checked again under it (and the unique constraint backs the latter)."""
    ensure_manager(None, actor, "policies:approve_grant_batch")
    # 四眼原则: money leaves only when a second officer has checked the list
    _four_eyes(
        batch.created_by_id,
        actor,
        action="policies:approve_own_grant_batch",
        message=_(
            "You prepared this grant list, so another policy officer must approve it "
            "(four-eyes principle)."
        ),
        batch=batch.pk,
    )
    with transaction.atomic():
        item = PolicyItem.objects.select_for_update().get(pk=batch.item_id)
        batch = GrantBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == GrantBatch.Status.APPROVED:
            return batch  # a retry
        new_status = check(BATCH, batch.status, "approve")
        left = (
            None if item.budget is None else item.budget - _committed(item, exclude_batch=batch.pk)
        )
        spent = Decimal(0)
        for line in batch.lines.filter(status=GrantLine.Status.INCLUDED).select_for_update():
            already = Disbursement.objects.filter(
                item=item, enterprise_id=line.enterprise_id, period=batch.period
            )
            if already.exclude(status=Disbursement.Status.CANCELLED).exists():
                line.status = GrantLine.Status.ALREADY_PAID
            elif left is not None and spent + line.amount > left:
                line.status = GrantLine.Status.OVER_BUDGET
            else:
                disbursement = Disbursement.objects.create(
                    item=item,
                    enterprise_id=line.enterprise_id,
                    period=batch.period,
                    amount=line.amount,
                    grant_line=line,
                )
                spent += line.amount
                events.disbursement_changed(
                    disbursement, actor=actor, action="created", old="", new="pending"
                )
                continue
            line.save(update_fields=["status"])
        old = batch.status
        batch.status, batch.approved_by, batch.total = new_status, actor, spent
        batch.save(update_fields=["status", "approved_by", "total", "updated_at"])
        events.batch_changed(
            batch,
            actor=actor,
            action="approve",
            old=old,
            new=new_status,
            data={"total": str(spent)},
        )
        _notify_grants(batch)
    return batch


def _notify_grants(batch: GrantBatch) -> None:
    ids = list(
        batch.lines.filter(disbursement__isnull=False).values_list("enterprise_id", flat=True)
    )
    for enterprise_id, users in enterprise_users(ids).items():
        notify(
            users,
            kind="policy_grant",
            title=_("“%(title)s” will be paid to you without an application")
            % {"title": batch.item.title},
            url="/policies/mine/",
            dedupe_key=f"grant:{batch.item_id}:{batch.period}:{enterprise_id}",
            sms=True,
        )


def cancel_grant_batch(batch: GrantBatch, *, actor: Any) -> GrantBatch:
    ensure_manager(None, actor, "policies:cancel_grant_batch")
    with transaction.atomic():
        batch = GrantBatch.objects.select_for_update().get(pk=batch.pk)
        old = batch.status
        batch.status = check(BATCH, old, "cancel")
        batch.save(update_fields=["status", "updated_at"])
        events.batch_changed(batch, actor=actor, action="cancel", old=old, new=batch.status)
    return batch


def mark_disbursement_paid(
    disbursement: Disbursement, *, actor: Any, paid_on: dt.date
) -> Disbursement:
    """Record the payment; paying an already paid disbursement again changes nothing.
    The officer who approved the payout (the application or the grant list) may not
    confirm it (四眼原则)."""
    ensure_manager(None, actor, "policies:mark_disbursement_paid")
    # checked before the transaction so that the denial's audit row is not rolled back;
    # who approved a payout never changes (an append-only event names them)
    _four_eyes(
        payout_approver_id(disbursement),
        actor,
        action="policies:confirm_own_payout",
        message=_(
            "You approved this payout, so another policy officer must confirm the payment "
            "(four-eyes principle)."
        ),
        disbursement=disbursement.pk,
    )
    with transaction.atomic():
        disbursement = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if disbursement.status == Disbursement.Status.PAID:
            return disbursement
        old = disbursement.status
        disbursement.status = check(DISBURSEMENT, old, "pay")
        disbursement.paid_on = paid_on
        disbursement.save(update_fields=["status", "paid_on", "updated_at"])
        events.disbursement_changed(
            disbursement, actor=actor, action="pay", old=old, new=disbursement.status
        )
        if disbursement.application_id:
            application = Application.objects.select_for_update().get(
                pk=disbursement.application_id
            )
            _move(application, actor=actor, action="pay", fields={"paid_at": timezone.now()})
    return disbursement


def payout_approver_id(disbursement: Disbursement) -> int | None:
    """Who approved the payout: the actor of the event that created the disbursement
    (approving an application or a grant list creates it)."""
    return (
        PolicyEvent.objects.filter(disbursement=disbursement, kind="disbursement_created")
        .values_list("actor_id", flat=True)
        .first()
    )


def _four_eyes(
    first_id: int | None, actor: Any, *, action: str, message: str, **detail: Any
) -> None:
    """四眼原则: refuse (audited, before any transaction that would roll the audit back)
    when the second step is taken by the person who took the first."""
    if first_id is None or first_id != getattr(actor, "pk", None):
        return
    record_audit(AuditEvent.Kind.DENIED, user=actor, action=action, **detail)
    raise ValidationError(message)
