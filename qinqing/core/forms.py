"""A service's ValidationError shown on the form that called it."""

from django import forms
from django.core.exceptions import ValidationError


def errors_of(exc: ValidationError) -> str:
    """Every message of the error, in one line (for a flash message)."""
    if hasattr(exc, "error_dict"):
        return "；".join(m for ms in exc.message_dict.values() for m in ms)
    return "；".join(exc.messages)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put each message on its field, or on the form when the form has no such field."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)
