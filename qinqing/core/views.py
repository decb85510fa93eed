from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from qinqing.core.audit import record_audit, record_denial_again
from qinqing.core.models import AuditEvent


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page; every denial is in the audit log once the request has unwound."""
    record_denial_again(exception or PermissionDenied(""), request)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 page. For a signed-in person "not found" may mean "not yours" (by design one
    answer): audited, as a denial is."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        record_audit(AuditEvent.Kind.NOT_FOUND, request=request, user=user, action=request.path)
    return render(request, "404.html", status=404)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico; the icon is static/favicon.svg. Resolved per request,
    so the static manifest is read only once collectstatic has written it."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def health(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    data: dict[str, Any] = {"status": "ok"}
    return JsonResponse(data)
