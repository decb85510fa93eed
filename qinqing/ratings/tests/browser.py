"""Shared set-up of the real headless Chromium tests (Debian's /usr/bin/chromium)."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is not installed at /usr/bin/chromium"
)


@pytest.fixture
def chromium() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; live_server's ORM use is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def server(request: Any, settings: Any) -> Any:
    """pytest-django's live_server. Our settings keep MEDIA_URL = None (uploads are served
    only through access-checked views), which Django's live-server media handler cannot
    parse, so it starts under a placeholder prefix that no page links to."""
    from django.test import override_settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1"]
    with override_settings(MEDIA_URL="/_live_server_media/"):
        return request.getfixturevalue("live_server")


def logged_in_context(browser: Any, live_server: Any, user: Any, **kw: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", **kw)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def screenshot_dir() -> Path:
    path = Path(settings.BASE_DIR) / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
