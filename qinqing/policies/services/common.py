"""Helpers the grant and application writes share: money, the committed budget, a status move."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from qinqing.policies import events
from qinqing.policies.models import (
    Application,
    Disbursement,
    GrantBatch,
    GrantLine,
    PolicyItem,
)
from qinqing.policies.transitions import APPLICATION, check


def _money(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _committed(item: PolicyItem, *, exclude_batch: int | None = None) -> Decimal:
    """Money already promised: uncancelled disbursements plus lines of open batches."""
    paid = Disbursement.objects.filter(item=item).exclude(
        status=Disbursement.Status.CANCELLED
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    pending = GrantLine.objects.filter(
        batch__item=item, batch__status=GrantBatch.Status.DRAFT, status=GrantLine.Status.INCLUDED
    )
    if exclude_batch is not None:
        pending = pending.exclude(batch_id=exclude_batch)
    return paid + (pending.aggregate(s=Sum("amount"))["s"] or Decimal(0))


def _move(
    application: Application,
    *,
    actor: Any,
    action: str,
    note: str = "",
    fields: dict[str, Any] | None = None,
) -> Application:
    old = application.status
    application.status = check(APPLICATION, old, action)
    updates = ["status", "updated_at"]
    for name, value in (fields or {}).items():
        setattr(application, name, value)
        updates.append(name)
    application.save(update_fields=updates)
    events.application_changed(
        application, actor=actor, action=action, old=old, new=application.status, note=note
    )
    return application
