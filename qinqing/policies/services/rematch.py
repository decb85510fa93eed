"""Matching (政策找人) and pushing: deciding which enterprises qualify, and telling them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qinqing.accounts.models import User
from qinqing.accounts.permissions import ensure, is_staff_member
from qinqing.core.jobs import enqueue
from qinqing.core.notify import notify
from qinqing.enterprises.models import Enterprise
from qinqing.policies import events
from qinqing.policies.matching import (
    Compiled,
    active_items,
    compile_version,
    match,
    store,
)
from qinqing.policies.models import (
    MatchResult,
    Outcome,
    PolicyItem,
    PublishStatus,
)

# --- matching ---------------------------------------------------------------------------
# (full runs: runs.py)


def _enqueue_item_rematch(item_id: int) -> None:
    enqueue("qinqing.policies.tasks.rematch_items_task", [item_id])


def rematch_enterprises(enterprise_ids: Sequence[int]) -> int:
    """Re-decide every active item for these enterprises (their facts changed)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return 0
    results = match(active_items(), ids)
    store(results, enterprise_ids=ids)
    return results.height


def rematch_items(item_ids: Sequence[int]) -> int:
    """Re-decide these items for every enterprise (a rule was published or withdrawn)."""
    ids = sorted(set(item_ids))
    compiled = active_items(ids)
    results = match(compiled) if compiled else None
    store(results if results is not None else match([], []), item_ids=ids)
    return 0 if results is None else results.height


# --- push (政策找人) -----------------------------------------------------------------------


def enterprise_users(enterprise_ids: Sequence[int]) -> dict[int, list[User]]:
    usccs = dict(Enterprise.objects.filter(pk__in=list(enterprise_ids)).values_list("uscc", "pk"))
    by_enterprise: dict[int, list[User]] = {}
    for user in User.objects.filter(uscc__in=list(usccs), is_active=True):
        by_enterprise.setdefault(usccs[user.uscc], []).append(user)
    return by_enterprise


def push_item(item: PolicyItem, *, actor: Any, sms: bool = True) -> int:
    """Tell every eligible enterprise about the item (once per item and rule version)."""
    item = _pushable(item)
    ids = list(
        MatchResult.objects.filter(item=item, outcome=Outcome.ELIGIBLE).values_list(
            "enterprise_id", flat=True
        )
    )
    sent = 0
    with transaction.atomic():
        for users in enterprise_users(ids).values():
            sent += _tell(item, users, sms=sms)
        events.record(
            "item_pushed", actor=actor, item=item, data={"enterprises": len(ids), "messages": sent}
        )
    return sent


PUSHABLE_TO_ONE = (Outcome.ELIGIBLE, Outcome.ALMOST)


def push_item_to_enterprise(
    item: PolicyItem, enterprise: Enterprise, *, actor: Any, sms: bool = False
) -> int:
    """Tell one enterprise about one item (a liaison cadre on a visit, an officer at the
    enterprise's side): its users get the message `push_item` sends, once per item and
    rule version, so a later push to all does not repeat it. Only for an enterprise that
    is eligible or almost eligible; staff only (the caller checks its own scope, e.g.
    liaison: the cadre works with this enterprise). Returns the messages sent."""
    ensure(
        is_staff_member(actor),
        None,
        actor,
        "policies:push_item_to_enterprise",
        item=item.pk,
        enterprise=enterprise.pk,
    )
    item = _pushable(item)
    outcome = (
        MatchResult.objects.filter(item=item, enterprise_id=enterprise.pk)
        .values_list("outcome", flat=True)
        .first()
    )
    if outcome not in PUSHABLE_TO_ONE:
        raise ValidationError(
            {"item": _("%(name)s does not meet the conditions of this item, so it cannot be pushed.")
             % {"name": enterprise.name}}
        )  # fmt: skip
    with transaction.atomic():
        sent = _tell(item, enterprise_users([enterprise.pk]).get(enterprise.pk, []), sms=sms)
        events.record(
            "item_pushed",
            actor=actor,
            item=item,
            data={"enterprises": 1, "enterprise": enterprise.pk, "messages": sent},
        )
    return sent


def _pushable(item: PolicyItem) -> PolicyItem:
    item = PolicyItem.objects.get(pk=item.pk)
    if item.status != PublishStatus.PUBLISHED or item.current_rule_id is None:
        raise ValidationError(_("Only a published item with a published rule can be pushed."))
    return item


def _tell(item: PolicyItem, users: Sequence[User], *, sms: bool) -> int:
    return len(
        notify(
            users,
            kind="policy_match",
            title=_("You may qualify for “%(title)s”") % {"title": item.title},
            body=_("Open “My policies” to see why and what to do next."),
            url=f"/policies/items/{item.pk}/",
            dedupe_key=f"policy:{item.pk}:v{item.current_rule_id}",
            sms=sms,
        )
    )


def compiled_for(item: PolicyItem) -> Compiled | None:
    return compile_version(item.current_rule, item) if item.current_rule_id else None  # type: ignore[arg-type]
