"""Timeline listeners of policies: `register_event_listener(kind, fn)`; every PolicyEvent
of that kind ("application_approve", "application_reject", "disbursement_pay", ...) is
announced after its transaction commits as `fn(event_id)`. Ratings opens the 好差评 of a
decided application or a payment this way; policies never imports ratings."""

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger("qinqing.policies")

EventListener = Callable[[int], None]
_LISTENERS: dict[str, list[EventListener]] = defaultdict(list)


def register_event_listener(kind: str, fn: EventListener) -> None:
    if fn not in _LISTENERS[kind]:
        _LISTENERS[kind].append(fn)


def unregister_event_listener(kind: str, fn: EventListener) -> None:
    if fn in _LISTENERS[kind]:
        _LISTENERS[kind].remove(fn)


def announce(kind: str, event_id: int) -> None:
    listeners = list(_LISTENERS.get(kind, ()))
    if not listeners:
        return

    def run() -> None:
        for fn in listeners:
            try:
                fn(event_id)
            except Exception:
                logger.exception("policy event listener %r failed for event %s", fn, event_id)

    transaction.on_commit(run)
