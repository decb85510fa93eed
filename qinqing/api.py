"""The JSON API for other systems: OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: `Authorization: Bearer <token>` (tokens from `manage.py create_api_token`)
or the browser session (with CSRF). Domain apps add their routers in `ROUTERS`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from qinqing.accounts.permissions import roles_of
from qinqing.accounts.services import user_for_token
from qinqing.core.audit import record_audit
from qinqing.core.models import AuditEvent


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


api = NinjaAPI(
    title="qinqing API",
    version="1",
    description="亲清 platform API. Errors carry `detail` (in Chinese) and, for invalid input, "
    "the field that is wrong.",
    auth=[TokenAuth(), ApiKeyAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    if not getattr(exc, "audited", False):
        record_audit(
            AuditEvent.Kind.DENIED, request=request, user=request.user, action=f"api:{request.path}"
        )
    return api.create_response(request, {"detail": "无权执行此操作"}, status=403)


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
