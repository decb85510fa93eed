from django import template

from qinqing.core.event_labels import event_label as label_of

register = template.Library()


@register.filter
def event_label(code: object) -> str:
    """The Chinese name of a timeline event kind or state code."""
    return label_of(code)
