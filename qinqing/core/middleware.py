"""Input hygiene at the door: every request's query string and body are checked once,
here, so no view, schema or form has to remember (issue 15).

- A forbidden control character (NUL and the other C0 controls except tab, LF, CR; see
  `qinqing.lib.text`) in a query parameter, or in a field of a form or JSON body sent to
  the JSON API or Open311, is refused with 400 and a Chinese message naming the field.
- In a form posted to a web page it is removed instead (the person sees the cleaned value
  and the form's own messages).
- A multipart body the parser cannot read (no boundary, broken framing) is refused with
  400 instead of failing inside a view.

Also here: Django's message middleware, with the storage made only when used
(`LazyMessageMiddleware`).
"""

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import SimpleLazyObject, empty

from qinqing.lib.text import describe, first_control, strip_controls

MACHINE_PREFIXES = ("/api/", "/open311/")


class BadInput(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _control_message(field: str, char: str) -> str:
    return f"字段“{field}”含有不可见的控制字符（{describe(char)}），请删除后重试。"


def _check_pairs(pairs: Iterator[tuple[str, str]], *, where: str) -> None:
    for key, value in pairs:
        for text in (key, value):
            char = first_control(text)
            if char is not None:
                raise BadInput(key, _control_message(f"{where}{key}", char))


def _walk_json(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _walk_json(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_json(item, f"{path}[{index}]")


def _check_json(body: bytes) -> None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return  # not JSON: the API's own parser answers (in Chinese) with what is wrong
    for field, text in _walk_json(data, ""):
        char = first_control(text)
        if char is not None:
            raise BadInput(field, _control_message(field, char))


def _query_pairs(request: HttpRequest) -> Iterator[tuple[str, str]]:
    raw = request.META.get("QUERY_STRING", "")
    if "%00" in raw or "\x00" in unquote(raw):
        # QueryDict may drop or mangle a NUL; name the first parameter that holds one
        for part in raw.split("&"):
            key, _, value = part.partition("=")
            if "\x00" in unquote(key) or "\x00" in unquote(value):
                yield unquote(key), "\x00"
                return
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


def _clean_form(request: HttpRequest) -> None:
    """Web forms: drop control characters from posted values instead of refusing."""
    post = request.POST
    if not any(first_control(v) for values in post.lists() for v in values[1]):
        return
    cleaned = QueryDict(mutable=True, encoding=post.encoding)
    for key, values in post.lists():
        cleaned.setlist(key, [strip_controls(v) for v in values])
    cleaned._mutable = False
    request.POST = cleaned  # type: ignore[assignment]


def _error(request: HttpRequest, exc: BadInput) -> HttpResponse:
    path = request.path
    if path.startswith("/open311/"):
        if path.endswith(".xml"):
            from xml.sax.saxutils import escape

            body = (
                '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code>'
                f"<description>{escape(exc.message)}</description></error></errors>"
            )
            return HttpResponse(body, status=400, content_type="text/xml; charset=utf-8")
        return JsonResponse(
            [{"code": 400, "description": exc.message}],
            status=400,
            safe=False,
            json_dumps_params={"ensure_ascii": False},
        )
    if path.startswith("/api/"):
        return JsonResponse(
            {"detail": exc.message, "errors": [{"field": exc.field, "message": exc.message}]},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")


class InputHygieneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self.check(request)
        except BadInput as exc:
            return _error(request, exc)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        _check_pairs(_query_pairs(request), where="")
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return
        machine = request.path.startswith(MACHINE_PREFIXES)
        content_type = request.content_type or ""
        if content_type == "multipart/form-data":
            if "boundary=" not in request.META.get("CONTENT_TYPE", ""):
                raise BadInput("", "请求体格式错误：multipart/form-data 缺少 boundary。")
            try:
                request.POST  # noqa: B018 - parse once here, so a broken body is a 400
            except MultiPartParserError as exc:
                raise BadInput("", "请求体格式错误：无法解析 multipart/form-data。") from exc
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            if machine:
                _check_pairs(((k, v) for k, vs in request.POST.lists() for v in vs), where="")
            else:
                _clean_form(request)
        elif machine and content_type.endswith("json"):
            _check_json(request.body)


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, with a request's message storage made only when
    something touches it (a view adding a message, a page listing them). Most requests
    never do (the JSON API, HTMX fragments, downloads), and making it builds a cookie
    signer and two storages each time. Untouched, it has nothing to write back, just as
    an untouched storage writes nothing."""

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        stored = getattr(request, "_messages", None)
        if isinstance(stored, SimpleLazyObject) and stored._wrapped is empty:
            return response
        return super().process_response(request, response)
