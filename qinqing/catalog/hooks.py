"""Matter-closed handlers: higher layers (ratings) register a function at start-up that
runs after a matter closes; catalog never imports them.

    register_matter_closed(fn)
    fn(closed: ClosedMatter) -> None   # called after commit; must be safe to run twice

A failing handler is logged and skipped, so closing a matter never breaks because of it.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("qinqing.catalog")


@dataclass(frozen=True)
class ClosedMatter:
    matter_id: int
    number: str
    item_name: str
    status: str  # approved, refused, not_accepted
    channel: str  # online, window, proxy
    department_id: int
    window_id: int | None
    handled_by_id: int | None
    applicant_id: int | None
    applicant_phone: str
    closed_at: dt.datetime


Handler = Callable[[ClosedMatter], None]
_HANDLERS: list[Handler] = []


def register_matter_closed(fn: Handler) -> None:
    if fn not in _HANDLERS:
        _HANDLERS.append(fn)


def unregister_matter_closed(fn: Handler) -> None:
    if fn in _HANDLERS:
        _HANDLERS.remove(fn)


def publish_matter_closed(closed: ClosedMatter) -> None:
    for fn in list(_HANDLERS):
        try:
            fn(closed)
        except Exception:
            logger.exception("matter-closed handler %r failed for %s", fn, closed.number)
