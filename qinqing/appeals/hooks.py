"""Intake advisors: other apps (analytics) register a function at start-up that suggests
a category and department, and likely duplicates, for a new appeal. Appeals never
imports them; with none registered the intake page simply shows no suggestions.

    register_intake_advisor(fn)
    fn(title, text, enterprise, division) -> {
        "suggestions": [{"category": Category|id|None, "department": Organisation|id|None,
                         "confidence": float}],
        "duplicates": [appeal id, ...],
    }
"""

import logging
from collections.abc import Callable
from typing import Any

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
        merged["duplicates"] += list(result.get("duplicates", []))
    merged["suggestions"].sort(key=lambda s: -float(s.get("confidence", 0)))
    return merged
