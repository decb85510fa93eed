"""What other apps plug into appeals, without appeals importing them.

Timeline listeners: `register_event_listener(kind, fn)`; every AppealEvent of that kind
("registered", "closed", "called_back", ...) is announced after its transaction commits
as `fn(event_id, appeal_id=..., category_id=...)`: the ids the event was written with
(the appeal's category when the event was written, or None), so a listener that only
cares about some appeals needs no query to skip the others. Ratings opens the 好差评 of a
closed appeal this way; analytics compares a registered appeal's category with its
routing suggestion. Listeners get ids, must be safe to run twice, and a failing one is
logged, never breaking the appeal's own step.

Intake advisors: other apps (analytics) register a function at start-up that suggests
a category and department, and likely duplicates, for a new appeal. Appeals never
imports them; with none registered the intake page simply shows no suggestions.

    register_intake_advisor(fn)
    fn(title, text, enterprise, division) -> {
        "suggestions": [{"category": Category|id|None, "department": Organisation|id|None,
                         "confidence": float}],
        "duplicates": [appeal id, or {"id": appeal id, "score": float, "reasons": [...],
                       "shared_words": [...], "same_enterprise": bool}, ...],
    }
`advise` returns every duplicate as such a dict (at least {"id": ...}), once per appeal.

Intake delegates: registering an appeal is the intake operators' (and supervisors')
job. Another app may vouch for one more person in one narrow case:
`register_intake_delegate(fn)` with `fn(actor, enterprise, channel) -> bool`; liaison
says yes for the enterprise's own liaison cadre on the 包联 channel, so a difficulty
raised on a visit becomes an appeal without waiting for an operator's click.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger("qinqing.appeals")

Advisor = Callable[[str, str, Any, Any], dict[str, Any] | None]
_ADVISORS: list[Advisor] = []


def register_intake_advisor(fn: Advisor) -> None:
    if fn not in _ADVISORS:
        _ADVISORS.append(fn)


def unregister_intake_advisor(fn: Advisor) -> None:
    if fn in _ADVISORS:
        _ADVISORS.remove(fn)


def advise(title: str, text: str, enterprise: Any, division: Any) -> dict[str, list[Any]]:
    """Everything the registered advisors return, merged; a failing advisor is logged
    and skipped so that intake never breaks because of a suggestion."""
    merged: dict[str, list[Any]] = {"suggestions": [], "duplicates": []}
    for fn in list(_ADVISORS):
        try:
            result = fn(title, text, enterprise, division) or {}
        except Exception:
            logger.exception("intake advisor %r failed", fn)
            continue
        merged["suggestions"] += list(result.get("suggestions", []))
        for found in result.get("duplicates", []):
            item = dict(found) if isinstance(found, dict) else {"id": found}
            if all(d["id"] != item["id"] for d in merged["duplicates"]):
                merged["duplicates"].append(item)
    merged["suggestions"].sort(key=lambda s: -float(s.get("confidence", 0)))
    return merged


EventListener = Callable[..., None]  # fn(event_id, *, appeal_id, category_id)
_EVENT_LISTENERS: dict[str, list[EventListener]] = defaultdict(list)


def register_event_listener(kind: str, fn: EventListener) -> None:
    if fn not in _EVENT_LISTENERS[kind]:
        _EVENT_LISTENERS[kind].append(fn)


def unregister_event_listener(kind: str, fn: EventListener) -> None:
    if fn in _EVENT_LISTENERS[kind]:
        _EVENT_LISTENERS[kind].remove(fn)


def announce(kind: str, event_id: int, *, appeal_id: int, category_id: int | None) -> None:
    """Call the listeners of `kind` with the event's ids once the transaction commits."""
    listeners = list(_EVENT_LISTENERS.get(kind, ()))
    if not listeners:
        return

    def run() -> None:
        for fn in listeners:
            try:
                fn(event_id, appeal_id=appeal_id, category_id=category_id)
            except Exception:
                logger.exception("appeal event listener %r failed for event %s", fn, event_id)

    transaction.on_commit(run)


IntakeDelegate = Callable[[Any, Any, str], bool]
_DELEGATES: list[IntakeDelegate] = []


def register_intake_delegate(fn: IntakeDelegate) -> None:
    if fn not in _DELEGATES:
        _DELEGATES.append(fn)


def unregister_intake_delegate(fn: IntakeDelegate) -> None:
    if fn in _DELEGATES:
        _DELEGATES.remove(fn)


def delegated_intake(actor: Any, enterprise: Any, channel: str) -> bool:
    """Does a registered delegate let `actor` register an appeal for `enterprise` on
    `channel`? (Never for an anonymous actor or without an enterprise.)"""
    if enterprise is None or not getattr(actor, "is_authenticated", False):
        return False
    return any(fn(actor, enterprise, channel) for fn in list(_DELEGATES))
