"""The JSON API for other systems: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: `Authorization: Bearer <token>` (tokens from `manage.py create_api_token`)
or the browser session (with CSRF). Domain apps add their routers in `ROUTERS`.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as InputError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from qinqing.accounts.permissions import roles_of
from qinqing.accounts.services import user_for_token
from qinqing.core import ratelimit
from qinqing.core.api_errors import declare_error_responses
from qinqing.core.audit import record_audit, record_denial_again
from qinqing.core.models import AuditEvent
from qinqing.lib.errors import chinese_errors


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = user_for_token(key or "")
        if user is not None:
            request.user = user
        return user


class CallerRateThrottle(BaseThrottle):
    """API_RATE_LIMIT_PER_MINUTE requests per user (token or session), counted in the cache
    so every worker process shares the count; read per request, so settings apply at once."""

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        ident = ratelimit.caller_ident(request.user, request.META.get("REMOTE_ADDR"))
        self.retry_after = ratelimit.hit(
            "api", ident, getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 0)
        )
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


api = NinjaAPI(
    title="qinqing API",
    version="1",
    description="亲清 platform API. Errors carry `detail` (in Chinese) and, for invalid input, "
    "the field that is wrong. Requests are limited per caller (429 with Retry-After).",
    auth=[TokenAuth(), ApiKeyAuth(), SessionAuth()],
    throttle=[CallerRateThrottle()],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    if not getattr(exc, "audited", False):
        exc = PermissionDenied(f"api:{request.path}")
    record_denial_again(exc, request)
    return api.create_response(request, {"detail": "无权执行此操作"}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # "not found or no permission" is one answer by design; each one is audited
    record_audit(
        AuditEvent.Kind.NOT_FOUND, request=request, user=request.user, action=f"api:{request.path}"
    )
    return api.create_response(request, {"detail": "不存在或无权查看"}, status=404)


@api.exception_handler(InputError)
def on_input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "输入有误", "errors": chinese_errors(exc.errors)}, status=422
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, Throttled):
        return api.create_response(request, {"detail": "请求过于频繁，请稍后再试"}, status=429)
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        return api.create_response(
            request, {"detail": "未登录或令牌无效（Authorization: Bearer <令牌>）"}, status=401
        )
    if exc.status_code == 403:  # e.g. a session call without its CSRF token
        record_audit(
            AuditEvent.Kind.DENIED, request=request, user=request.user, action=f"api:{request.path}"
        )
        return api.create_response(request, {"detail": "无权执行此操作"}, status=403)
    if exc.status_code == 400:
        return api.create_response(request, {"detail": "请求格式错误"}, status=400)
    return api.create_response(request, {"detail": "请求无法处理"}, status=exc.status_code)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "message_dict"):
        errors = [
            {"field": f, "message": " ".join(str(m) for m in msgs)}
            for f, msgs in exc.message_dict.items()
        ]
    else:
        errors = [{"field": "", "message": str(m)} for m in exc.messages]
    return api.create_response(request, {"detail": "输入有误", "errors": errors}, status=422)


class MeRead(Schema):
    username: str
    full_name: str
    roles: list[str]
    uscc: str


@api.get("/me", response=MeRead, summary="Who the caller is", tags=["accounts"])
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", ""),
        "roles": sorted(roles_of(user)),
        "uscc": getattr(user, "uscc", ""),
    }


# Domain routers (each app owns its module; the API object only mounts them).
api.add_router("/enterprises", "qinqing.enterprises.api.router")
api.add_router("/appeals", "qinqing.appeals.api.router")
api.add_router("/ratings", "qinqing.ratings.api.router")
api.add_router("/policies", "qinqing.policies.api.router")
api.add_router("/catalog", "qinqing.catalog.api.router")
api.add_router("/liaison", "qinqing.liaison.api.router")
api.add_router("/tasklist", "qinqing.tasklist.api.router")
api.add_router("/assessment", "qinqing.assessment.api.router")
api.add_router("/projects", "qinqing.projects.api.router")

# Every operation declares the errors it can answer (OpenAPI tells the truth).
declare_error_responses(api)
