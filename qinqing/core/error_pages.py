"""Error pages in Chinese while developing, too.

Without DEBUG, Django renders handler404/handler500 (`templates/404.html`, `500.html`).
With DEBUG it shows its English technical pages, which demo users and officials trying
the platform on a laptop then see. This middleware shows the same Chinese pages with
DEBUG on; the traceback of a server error still goes to the log. The admin and the
machine interfaces (API, Open311) keep Django's own responses."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("qinqing.errors")
_MACHINE_PREFIXES = ("/admin/", "/api/", "/open311/", "/static/", "/health/")


def _for_people(request: HttpRequest) -> bool:
    return settings.DEBUG and not request.path.startswith(_MACHINE_PREFIXES)


class ChineseErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and _for_people(request)
            and response.get("Content-Type", "").startswith("text/html")
            and _is_technical(response)
        ):
            return page_not_found_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _for_people(request):
            return None
        if isinstance(exception, Http404):
            return page_not_found_response(request)
        if isinstance(exception, PermissionDenied):
            return None  # handler403 renders the Chinese page with DEBUG too
        logger.error("server error on %s", request.path, exc_info=exception)
        return render(request, "500.html", status=500)


def page_not_found_response(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def _is_technical(response: HttpResponse) -> bool:
    """Django's DEBUG 404 page (for URLs no pattern matches), recognised by its title."""
    return b"<title>Page not found at" in getattr(response, "content", b"")
