"""Sections other apps add to an enterprise's page (一企一档), registered at start-up
(AppConfig.ready), so that enterprises shows them without importing those apps.

    register_enterprise_panel(template, context, order=100)
    context(user, enterprise) -> dict of template variables, or None to hide the panel

The template receives the variables themselves and, as `panel`, the whole dict.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("qinqing.core")

PanelContext = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class EnterprisePanel:
    template: str
    context: PanelContext
    order: int = 100


_PANELS: list[EnterprisePanel] = []


def register_enterprise_panel(template: str, context: PanelContext, order: int = 100) -> None:
    if all(p.template != template for p in _PANELS):
        _PANELS.append(EnterprisePanel(template, context, order))


def panels_for(user: Any, enterprise: Any) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel this user may see; a failing panel is logged
    and left out so that the enterprise's page never breaks because of it."""
    shown = []
    for panel in sorted(_PANELS, key=lambda p: p.order):
        try:
            context = panel.context(user, enterprise)
        except Exception:
            logger.exception("enterprise panel %s failed", panel.template)
            continue
        if context is not None:
            shown.append((panel.template, context))
    return shown
