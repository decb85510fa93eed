"""Sections of the enterprise page (一企一档) that other apps register at start-up, so
the enterprises app shows them without importing those apps.

    register_enterprise_panel(template, order=100, context=fn)
    fn(user, enterprise) -> template variables, or None to hide the panel for this user
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PanelContext = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    template: str
    order: int
    context: PanelContext


_PANELS: list[Panel] = []


def register_enterprise_panel(template: str, *, order: int = 100, context: PanelContext) -> None:
    if all(p.template != template for p in _PANELS):
        _PANELS.append(Panel(template, order, context))


def enterprise_panels(user: Any, enterprise: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, variables) of every panel this user may see, in order."""
    shown = []
    for panel in sorted(_PANELS, key=lambda p: p.order):
        variables = panel.context(user, enterprise)
        if variables is not None:
            shown.append((panel.template, variables))
    return shown
