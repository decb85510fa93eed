"""The allowed status changes, as tables; `check` is the one place that enforces them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PUBLISH = {
    ("draft", "publish"): "published",
    ("published", "withdraw"): "withdrawn",
    ("withdrawn", "publish"): "published",
}

APPLICATION = {
    ("submitted", "return"): "returned",
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "resubmit"): "submitted",
    ("returned", "withdraw"): "withdrawn",
    ("approved", "pay"): "paid",
}

BATCH = {
    ("draft", "approve"): "approved",
    ("draft", "cancel"): "cancelled",
}

DISBURSEMENT = {
    ("pending", "pay"): "paid",
    ("pending", "cancel"): "cancelled",
}


def check(table: dict[tuple[str, str], str], state: str, action: str) -> str:
    """The state after `action`, or a ValidationError (Chinese) when it is not allowed."""
    try:
        return table[(state, action)]
    except KeyError:
        raise ValidationError(
            _("This cannot be done now (current status: %(state)s).") % {"state": state}
        ) from None
