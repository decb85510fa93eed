"""No English where a person looks: every role of the demo walks every page it can reach
from its menus and home cards (and the detail pages of the objects it sees there); the
administrator also walks the back office. The visible text of each page, without code,
form values and data (names, codes, addresses), must hold no English word of three or
more letters beyond the allow-list of terms officials use as they are."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from qinqing.accounts.models import User

pytestmark = pytest.mark.django_db

# Terms written in Latin letters in Chinese government work, and units.
ALLOWED = {
    "API",
    "APP",
    "CSV",
    "CTRL",  # the key, as printed on it: 按住 Ctrl 多选
    "DOCX",
    "ECHARTS",
    "EXCEL",
    "GDP",
    "HTML",
    "HTTP",
    "HTTPS",
    "ICP",
    "JSON",
    "OPEN311",
    "PDF",
    "PNG",
    "QR",
    "SMS",
    "URL",
    "USCC",
    "WPS",
    "XLSX",
    "ZIP",
    "TOKEN",
    "IPV",
    "KPI",
    "CPU",
    "VAT",
    "ISO",
    "GB",
    "CNY",
    "RMB",
    "GET",
    "POST",
    "LDAP",
    "HTMX",
    "SHA",
    "WORD",
    # key names in Django's hint for multiple selection (按住 Control 键，或者 Mac 上的 Command 键)
    "CONTROL",
    "COMMAND",
    "MAC",
}
DEMO_PEOPLE = ["admin", "leader", "supervisor", "intake", "handler", "head", "policy", "enterprise"]
MAX_PER_VIEW = 3  # pages of one view (detail pages of different objects) per person
MAX_PAGES = 160  # per person

# Data that may be in Latin letters: codes, numbers, e-mail and web addresses, file names.
_DATA = [
    re.compile(r"\{[^{}]*\}"),  # JSON examples in help texts
    re.compile(r"\[\s*(\"[\w-]*\"\s*,?\s*)*\]"),  # JSON lists of codes
    re.compile(r"\b[\w-]{16,}\b"),  # tokens and keys
    re.compile(r"\S+\*{3,}\S*"),  # masked values (salts, phone numbers)
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail
    re.compile(r"https?://\S+|/[\w./?=&%-]+"),  # addresses and paths
    re.compile(r"\b[0-9A-Z]{18}\b"),  # 统一社会信用代码
    re.compile(r"\b[A-Z]{1,6}[-_]?[0-9][\w-]*\b"),  # references such as QQ-2026-00012, D-JXJ
    re.compile(r"\b[\w-]+\.(xlsx|csv|pdf|docx|png|jpg|zip)\b", re.I),  # file names
    re.compile(r"\b[A-Z]\d{2,4}\b"),  # industry codes (GB/T 4754), e.g. C3311
    re.compile(r"\b[A-Z]-[A-Z]+\b"),  # organisation codes such as D-STHJJ
    re.compile(r"[\w:-]*\d[\w:-]*"),  # anything with a digit: codes, keys, hashes
    re.compile(r"\b[A-Z]{1,3}\b"),  # industry letters, grades (A/B/C) and short codes
]
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


class VisibleText(HTMLParser):
    """Collects what a person reads: text nodes and the attributes a browser shows."""

    HIDDEN = {"script", "style", "code", "pre", "textarea", "template", "noscript"}
    SHOWN_ATTRS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._data = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag in {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr"}:
            self._void(tag, values)
            return
        self._stack.append(tag)
        if tag in self.HIDDEN:
            self._hidden += 1
        if (
            "data" in (values.get("class") or "").split()
            or "translate" in values
            and values["translate"] == "no"
        ):
            self._data += 1
            self._stack[-1] = tag + "#data"
        self._attrs(values)

    def _void(self, tag: str, values: dict[str, str | None]) -> None:
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.parts.append(values.get("value") or "")
        self._attrs(values)

    def _attrs(self, values: dict[str, str | None]) -> None:
        if self._hidden or self._data:
            return
        for name in self.SHOWN_ATTRS:
            if values.get(name):
                self.parts.append(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag = self._stack.pop()
            base = open_tag.split("#")[0]
            if base in self.HIDDEN:
                self._hidden -= 1
            if open_tag.endswith("#data"):
                self._data -= 1
            if base == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._data:
            self.parts.append(data)


def english_words(html: str, data: set[str] = frozenset()) -> tuple[set[str], list[str]]:
    """English words a person reads on the page (`data`: words that are data here, such
    as usernames), and the page's links."""
    parser = VisibleText()
    parser.feed(html)
    words: set[str] = set()
    for part in parser.parts:
        text = part
        while (flat := _DATA[0].sub(" ", text)) != text:  # nested JSON, innermost first
            text = flat
        for pattern in _DATA:
            text = pattern.sub(" ", text)
        for word in _WORD.findall(text):
            letters = sum(c.isalpha() for c in word)
            if letters >= 3 and word.upper() not in ALLOWED and word not in data:
                words.add(word)
    return words, parser.links


def _walkable(url: str) -> str | None:
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/static/", "/api/", "/open311/", "/i18n/", "/logout")):
        return None
    if parts.path.startswith("/admin/"):
        return None  # the administrator's back office is walked from its registry below
    return url


def walk(client: Client, start: list[str]) -> dict[str, set[str]]:
    """Pages reached from `start` by following links → English words found on each
    (or the status code of a link that fails: a person must not be shown a dead end)."""
    found: dict[str, set[str]] = {}
    seen: set[str] = set()
    per_view: dict[str, int] = {}
    queue = deque(start)
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        try:
            view = resolve(path).view_name
        except Resolver404:
            continue
        key = view + ("?" if "?" in url else "")
        if per_view.get(key, 0) >= MAX_PER_VIEW:
            continue
        per_view[key] = per_view.get(key, 0) + 1
        response = client.get(url)
        visited += 1
        if response.status_code >= 400:
            found[url] = {f"HTTP {response.status_code}"}
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        words, links = english_words(response.content.decode())
        if words:
            found[url] = words
        for link in links:
            target = _walkable(link)
            if target and target not in seen:
                queue.append(target)
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        call_command("seed_demo", "--enterprises", "12", "--appeals", "24", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


def test_english_words_are_found_outside_code_and_data() -> None:
    words, _links = english_words(
        '<p title="Open this">已完成 profiles <code>python manage.py</code> '
        'QQ-2026-00012 a@b.cn 91511602000000001X Excel</p><input value="typed">'
        '<input type="submit" value="Save">'
    )
    assert words == {"Open", "this", "profiles", "Save"}


@pytest.mark.parametrize("username", DEMO_PEOPLE)
def test_every_page_a_role_reaches_is_in_chinese(demo, username: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(User.objects.get(username=username))
    found = walk(client, ["/"])
    assert not found, "\n".join(f"{url}: {sorted(words)}" for url, words in found.items())


def test_the_back_office_is_in_chinese(demo) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    usernames = data_words()
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        urls.append(reverse("admin:app_list", args=[model._meta.app_label]))
        if model_admin.has_add_permission(_admin_request(client)):
            urls.append(reverse(f"{prefix}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    found: dict[str, set[str]] = {}
    for url in dict.fromkeys(urls):
        response = client.get(url)
        assert response.status_code == 200, url
        words, _links = english_words(response.content.decode(), usernames)
        if words:
            found[url] = words
    assert not found, "\n".join(f"{url}: {sorted(words)}" for url, words in found.items())


def data_words() -> set[str]:
    """Words that are data in the back office: usernames, category codes, the browser
    identification the login log keeps."""
    from axes.models import AccessAttempt, AccessLog

    from qinqing.appeals.models import Category

    texts = [
        *User.objects.values_list("username", flat=True),
        *Category.objects.values_list("code", flat=True),
        *Category.objects.values_list("open311_code", flat=True),
        *AccessLog.objects.values_list("user_agent", flat=True),
        *AccessLog.objects.values_list("http_accept", flat=True),
        *AccessAttempt.objects.values_list("user_agent", flat=True),
        *AccessAttempt.objects.values_list("http_accept", flat=True),
    ]
    return {word for text in texts for word in re.findall(r"[A-Za-z]+", text or "")}


def _admin_request(client: Client):  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin")
    return request
