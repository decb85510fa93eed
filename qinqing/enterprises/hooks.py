"""Who wants to know that the registry's facts about enterprises changed.

The registry's services (profiles and yearly facts from a form, the API or an import;
qualifications; accepted corrections) call `facts_changed(ids)` inside their
transaction, next to the EnterpriseEvent rows they write. After commit every registered
listener gets the ids once (policies re-matches them). The registry never imports its
listeners; they register from their AppConfig.ready:

    register_facts_listener(fn)     # fn(enterprise_ids: list[int]) -> None

A bulk path that bypasses the services (a raw COPY) must call `facts_changed` itself:
there are no model signals to catch it.
"""

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

logger = logging.getLogger("qinqing.enterprises")

FactsListener = Callable[[list[int]], None]
_LISTENERS: list[FactsListener] = []


def register_facts_listener(fn: FactsListener) -> None:
    if fn not in _LISTENERS:
        _LISTENERS.append(fn)


def unregister_facts_listener(fn: FactsListener) -> None:
    if fn in _LISTENERS:
        _LISTENERS.remove(fn)


def facts_changed(enterprise_ids: Iterable[int]) -> None:
    """Tell every listener, after the current transaction commits, that these
    enterprises' facts changed. A failing listener is logged and skipped: the change
    itself is already committed and recorded."""
    ids = sorted({int(pk) for pk in enterprise_ids})
    if not ids:
        return

    def notify() -> None:
        for fn in list(_LISTENERS):
            try:
                fn(ids)
            except Exception:
                logger.exception("facts listener %r failed for %d enterprises", fn, len(ids))

    transaction.on_commit(notify)
