"""Pages: thin adapters from HTTP to selectors (reads) and services (writes)."""

from qinqing.appeals.views.casework import (
    ACTIONS,
    ActionFn,
    act,
    attachment,
    decide_extension,
    detail,
)
from qinqing.appeals.views.common import LEDGER_ROLES, PAGE_SIZE
from qinqing.appeals.views.portal import mine, new
from qinqing.appeals.views.staff import (
    board,
    enterprise_lookup,
    intake,
    ledger,
    ledger_export,
    suggest,
    worklist,
)

__all__ = [
    "ACTIONS",
    "ActionFn",
    "LEDGER_ROLES",
    "PAGE_SIZE",
    "act",
    "attachment",
    "board",
    "decide_extension",
    "detail",
    "enterprise_lookup",
    "intake",
    "ledger",
    "ledger_export",
    "mine",
    "new",
    "suggest",
    "worklist",
]
