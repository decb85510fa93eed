"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2/.

- services.{json,xml}, services/{code}.{json,xml}: the active appeal categories (public).
- POST requests.{json,xml}: a new appeal; `api_key` is an API token (its user must be
  allowed to register appeals). A retry never creates a second appeal: the client's
  `Idempotency-Key` header (or `idempotency_key` field) is used, or else a hash of the
  request's content for the same day.
- GET requests.{json,xml}, requests/{id}.{json,xml}: appeals the key's user may see, with
  no personal data. `service_request_id` is the appeal number.
Errors are lists of {code, description} as the spec says, with that HTTP status.
"""

import datetime as dt
import hashlib
import math
import xml.etree.ElementTree as ET  # noqa: S405 - we only build XML, never parse it
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from qinqing.accounts.services import user_for_token
from qinqing.appeals import selectors, services
from qinqing.appeals.models import FINAL_STATUSES, Appeal, Category, Channel
from qinqing.appeals.transitions import STATUS_ZH
from qinqing.core import ratelimit
from qinqing.core.audit import record_audit
from qinqing.core.models import AuditEvent
from qinqing.lib.text import strip_controls

MAX_REQUESTS = 1000
# Longest accepted value per field (the model's column, or what a phone number can be);
# longer is refused, never cut silently.
MAX_LENGTHS = {
    "service_code": 50,
    "description": 5000,
    "address_string": 200,
    "phone": 30,
    "first_name": 25,
    "last_name": 25,
    "email": 254,
    "idempotency_key": 100,
}
BOUNDS = {"lat": 90.0, "long": 180.0}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        self.status, self.description = status, description


def _render(data: Any, fmt: str, *, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        top = ET.Element(root)
        for row in data:
            node = ET.SubElement(top, item)
            for key, value in row.items():
                child = ET.SubElement(node, key)
                if isinstance(value, list):
                    for v in value:
                        ET.SubElement(child, "value").text = strip_controls(str(v))
                elif value is not None:
                    text = str(value).lower() if isinstance(value, bool) else str(value)
                    child.text = strip_controls(text)  # a stored control char breaks XML
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(exc: Open311Error, fmt: str) -> HttpResponse:
    return _render(
        [{"code": exc.status, "description": exc.description}],
        fmt,
        root="errors",
        item="error",
        status=exc.status,
    )


def _limited(request: HttpRequest) -> int | None:
    """Seconds to wait when the caller is past OPEN311_RATE_LIMIT_PER_MINUTE requests per
    api_key (per address without one); None while within it."""
    key = request.POST.get("api_key") if request.method == "POST" else request.GET.get("api_key")
    if key:
        ident = "key:" + hashlib.sha256(key.encode()).hexdigest()[:32]
    else:
        ident = f"ip:{request.META.get('REMOTE_ADDR')}"
    return ratelimit.hit("open311", ident, getattr(settings, "OPEN311_RATE_LIMIT_PER_MINUTE", 0))


def _guard(fmt: str, fn: Any, request: HttpRequest | None = None) -> HttpResponse:
    if fmt not in ("json", "xml"):
        return _error(Open311Error(404, "不支持的格式，请使用 .json 或 .xml。"), "json")
    if request is not None:
        wait = _limited(request)
        if wait is not None:
            response = _error(Open311Error(429, "请求过于频繁，请稍后再试。"), fmt)
            response["Retry-After"] = str(wait)
            return response
    try:
        return fn()
    except Open311Error as exc:
        return _error(exc, fmt)
    except ValidationError as exc:
        if hasattr(exc, "message_dict"):
            text = "；".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        else:
            text = "；".join(exc.messages)
        return _error(Open311Error(400, text), fmt)
    except PermissionDenied as exc:
        if not getattr(exc, "audited", False) and request is not None:
            record_audit(AuditEvent.Kind.DENIED, request=request, action=f"open311:{request.path}")
        return _error(Open311Error(403, "该 api_key 无权执行此操作。"), fmt)


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.open311_code or category.code,
        "service_name": category.name,
        "description": str(category),
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.parent.name if category.parent_id and category.parent else category.name,
    }


def _categories() -> Any:
    return Category.objects.filter(is_active=True).select_related("parent").order_by("code")


def _category(code: str) -> Category:
    category = (
        _categories().filter(open311_code=code).first() or _categories().filter(code=code).first()
    )
    if category is None:
        raise Open311Error(404, f"service_code “{code}” 不存在。")
    return category


@require_GET
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _guard(
        fmt,
        lambda: _render([_service(c) for c in _categories()], fmt, root="services", item="service"),
        request,
    )


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    def run() -> HttpResponse:
        category = _category(code)
        data = {"service_code": category.open311_code or category.code, "attributes": []}
        if fmt == "xml":
            body = (
                '<?xml version="1.0" encoding="utf-8"?><service_definition>'
                f"<service_code>{data['service_code']}</service_code><attributes/>"
                "</service_definition>"
            )
            return HttpResponse(body, content_type="text/xml; charset=utf-8")
        return JsonResponse(data)

    return _guard(fmt, run, request)


def _user(request: HttpRequest) -> Any:
    key = request.POST.get("api_key") if request.method == "POST" else request.GET.get("api_key")
    user = user_for_token(key or "")
    if user is None:
        record_audit(AuditEvent.Kind.DENIED, request=request, action="open311:api_key")
        raise Open311Error(403, "api_key 无效或已停用。")
    return user


def _coordinate(value: str | None, field: str) -> float | None:
    """A finite WGS84 coordinate within ±90 (lat) or ±180 (long), or None when absent."""
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise Open311Error(400, f"{field} 必须是数字。") from exc
    bound = BOUNDS[field]
    if not math.isfinite(number) or not -bound <= number <= bound:
        raise Open311Error(400, f"{field} 必须是 -{bound:g} 到 {bound:g} 之间的数字。")
    return number


def _check_lengths(data: Any) -> None:
    for field, limit in MAX_LENGTHS.items():
        value = data.get(field, "")
        if len(value) > limit:
            raise Open311Error(400, f"{field} 过长：最多 {limit} 个字符，收到 {len(value)} 个。")


def _status(appeal: Appeal) -> str:
    return "closed" if appeal.status in FINAL_STATUSES else "open"


def _request_row(appeal: Appeal) -> dict[str, Any]:
    return {
        "service_request_id": appeal.number,
        "status": _status(appeal),
        "status_notes": STATUS_ZH.get(appeal.status, appeal.status),
        "service_name": appeal.category.name if appeal.category_id and appeal.category else "",
        "service_code": (appeal.category.open311_code or appeal.category.code)
        if appeal.category_id and appeal.category
        else "",
        "description": appeal.description,
        "agency_responsible": appeal.lead_department.name
        if appeal.lead_department_id and appeal.lead_department
        else "",
        "service_notice": "",
        "requested_datetime": timezone.localtime(appeal.created_at).isoformat(),
        "updated_datetime": timezone.localtime(appeal.updated_at).isoformat(),
        "expected_datetime": timezone.localtime(appeal.next_due_at).isoformat()
        if appeal.next_due_at
        else None,
        "address": appeal.address,
        "address_id": "",
        "zipcode": "",
        "lat": appeal.lat,
        "long": appeal.lon,
        "media_url": "",
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _guard(fmt, lambda: _create(request, fmt), request)
    return _guard(fmt, lambda: _list(request, fmt), request)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _user(request)
    data = request.POST
    _check_lengths(data)
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code。")
    category = _category(code)
    description = data.get("description", "").strip()
    if not description:
        raise Open311Error(400, "缺少 description（诉求内容）。")
    lat, lon = _coordinate(data.get("lat"), "lat"), _coordinate(data.get("long"), "long")
    address = data.get("address_string", "").strip()
    if lat is None and lon is None and not address and not data.get("address_id"):
        raise Open311Error(400, "lat/long、address_string 或 address_id 至少提供一项。")
    phone = data.get("phone", "").strip()
    if not phone:
        raise Open311Error(400, "缺少 phone（联系电话），办理单位需要联系诉求人。")
    name = " ".join(p for p in (data.get("last_name", ""), data.get("first_name", "")) if p).strip()
    key = request.headers.get("Idempotency-Key", "") or data.get("idempotency_key", "")
    if not key:
        fields = [
            data.get(f, "")
            for f in (
                "service_code",
                "description",
                "lat",
                "long",
                "address_string",
                "phone",
                "email",
                "first_name",
                "last_name",
            )
        ]
        key = services.content_key(timezone.localdate().isoformat(), *fields)
    intake = services.IntakeInput(
        channel=Channel.OPEN311,
        category=category,
        title=f"{category.name}：{description[:40]}",
        description=description,
        requester_name=name or data.get("email", "").strip() or "Open311 用户",
        requester_phone=phone,
        address=address,
        lat=lat,
        lon=lon,
        idempotency_key=key,
    )
    appeal, _created = services.register_appeal(intake, actor=user)
    return _render(
        [{"service_request_id": appeal.number, "service_notice": "", "account_id": None}],
        fmt,
        root="service_requests",
        item="request",
        status=201,
    )


def _parse_date(value: str | None, field: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{field} 应为 W3C 日期时间格式。") from exc
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _user(request)
    params = request.GET
    qs = selectors.appeals_visible_to(user).select_related("category", "lead_department")
    if params.get("service_request_id"):
        qs = qs.filter(number__in=[n.strip() for n in params["service_request_id"].split(",")])
    else:
        end = _parse_date(params.get("end_date"), "end_date") or timezone.now()
        start = _parse_date(params.get("start_date"), "start_date") or end - dt.timedelta(days=90)
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        if params.get("service_code"):
            qs = qs.filter(category__open311_code__in=params["service_code"].split(","))
        if params.get("status") == "open":
            qs = qs.exclude(status__in=FINAL_STATUSES)
        elif params.get("status") == "closed":
            qs = qs.filter(status__in=FINAL_STATUSES)
    rows = [_request_row(a) for a in qs.order_by("-created_at")[:MAX_REQUESTS]]
    return _render(rows, fmt, root="service_requests", item="request")


@require_GET
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    def run() -> HttpResponse:
        user = _user(request)
        appeal = (
            selectors.appeals_visible_to(user)
            .select_related("category", "lead_department")
            .filter(number=number)
            .first()
        )
        if appeal is None:
            raise Open311Error(404, f"找不到诉求 {number}。")
        return _render([_request_row(appeal)], fmt, root="service_requests", item="request")

    return _guard(fmt, run, request)
