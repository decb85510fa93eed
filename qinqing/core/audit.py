"""Writes to the security audit log (logins, failures, lock-outs, permission denials)."""

from typing import Any

from django.http import HttpRequest

from qinqing.core.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_audit(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    **detail: Any,
) -> AuditEvent:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None and not username:
        username = user.get_username()
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=username[:150],
        ip_address=client_ip(request),
        path=(request.get_full_path()[:500] if request is not None else ""),
        detail=detail,
    )


def record_denial_again(exc: Exception, request: HttpRequest) -> None:
    """After a refused request has unwound: make sure its denial is in the log. A denial
    raised inside an atomic service rolled back with the service's writes."""
    row = getattr(exc, "audit_row", None)
    if getattr(exc, "audited", False) and row is not None:
        if AuditEvent.objects.filter(pk=row.pk).exists():
            return
        record_audit(row.kind, request=request, user=row.user, username=row.username, **row.detail)
        return
    if not getattr(exc, "audited", False):
        record_audit(
            AuditEvent.Kind.DENIED,
            request=request,
            user=getattr(request, "user", None),
            action=str(exc) or request.path,
        )
