"""Helpers the policy pages share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

POLICY_KINDS = ("policy_match", "policy_grant", "policy_application")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def back_to(request: HttpRequest, *default: object) -> HttpResponse:
    """Redirect to the form's `next` page (e.g. the guided page) if it is ours, else to
    `default` (a URL name and its arguments)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(*default)  # type: ignore[arg-type]
