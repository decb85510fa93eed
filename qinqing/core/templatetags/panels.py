from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from qinqing.core.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def enterprise_panels(context: Any, enterprise: Any) -> SafeString:
    """Render the panels other apps registered for the enterprise's page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    html = [
        render_to_string(name, {**ctx, "panel": ctx, "enterprise": enterprise}, request=request)
        for name, ctx in panels_for(user, enterprise)
    ]
    return mark_safe("".join(html))  # noqa: S308 (rendered templates, autoescaped)
