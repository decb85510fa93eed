"""What the JSON API answers when it does not do what was asked: one error body for every
4xx, in Chinese, declared in the OpenAPI document for each operation that can give it."""

from typing import Any

from ninja import Schema


class FieldErrorRead(Schema):
    field: str
    message: str


class ErrorRead(Schema):
    detail: str
    errors: list[FieldErrorRead] = []


ERROR_STATUSES_ALWAYS = (400, 429)  # input hygiene (every request), request limits
ERROR_STATUSES_AUTHENTICATED = (401, 403)
ERROR_STATUS_MISSING = 404  # an id in the path or the body names nothing the caller may see
ERROR_STATUS_INVALID = 422


def error_statuses(*, authenticated: bool, takes_input: bool, names_objects: bool) -> list[int]:
    statuses = list(ERROR_STATUSES_ALWAYS)
    if authenticated:
        statuses += ERROR_STATUSES_AUTHENTICATED
    if names_objects:
        statuses.append(ERROR_STATUS_MISSING)
    if takes_input:
        statuses.append(ERROR_STATUS_INVALID)
    return sorted(statuses)


def declare_error_responses(api: Any) -> None:
    """Add the error answers to every operation of `api` (ninja keeps them in
    `response_models`, which both the OpenAPI document and the response check read)."""
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                params = [m for m in operation.models if getattr(m, "__ninja_param_source__", "")]
                has_path_ids = "{" in path
                has_body = any(m.__ninja_param_source__ in ("body", "form", "file") for m in params)
                statuses = error_statuses(
                    authenticated=bool(operation.auth_callbacks),
                    takes_input=bool(params),
                    names_objects=has_path_ids or has_body,
                )
                for status in statuses:
                    operation.response_models.setdefault(
                        status, operation._create_response_model(ErrorRead)
                    )
