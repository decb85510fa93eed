from django import template

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 2) -> str:
    """0.98765 -> "98.77%"; None (no denominator) -> "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"
