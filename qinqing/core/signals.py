from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from qinqing.core.audit import record_audit
from qinqing.core.models import AuditEvent


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_audit(AuditEvent.Kind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_audit(AuditEvent.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    record_audit(
        AuditEvent.Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))
    )


@receiver(user_locked_out)
def audit_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    record_audit(AuditEvent.Kind.LOCKED_OUT, request=request, username=username or "")
