"""Helpers the policy pages share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

POLICY_KINDS = ("policy_match", "policy_grant", "policy_application")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)
