"""Navigation and home-page cards that apps register at start-up (AppConfig.ready), so
the shell shows each role what it may use without the shell importing the apps.

Links are shown in groups (诉求办理, 企业服务 ...). An app may name its group with
`register_nav(..., group="policies")`; without it the group follows the URL namespace
(`policies:desk` → 政策兑现), so apps written before groups existed land in the right menu."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Any  # a lazy translation
    order: int


# The menus, in the order they appear. "home" holds links shown on their own.
GROUPS: dict[str, NavGroup] = {
    g.key: g
    for g in (
        NavGroup("home", _("Home"), 0),
        NavGroup("appeals", _("Appeal handling"), 10),
        NavGroup("enterprises", _("Enterprise services"), 20),
        NavGroup("policies", _("Policy delivery"), 30),
        NavGroup("ratings", _("Ratings and assessment"), 40),
        NavGroup("analytics", _("Analysis and decisions"), 50),
        NavGroup("system", _("System administration"), 90),
    )
}

# URL namespace → group, for items registered without `group=`.
NAMESPACE_GROUPS: dict[str, str] = {
    "accounts": "home",
    "appeals": "appeals",
    "enterprises": "enterprises",
    "liaison": "enterprises",
    "catalog": "enterprises",
    "policies": "policies",
    "ratings": "ratings",
    "assessment": "ratings",
    "analytics": "analytics",
    "workdays": "system",
    "admin": "system",
}


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    roles: frozenset[str]  # empty: every logged-in person
    order: int = 100
    section: str = "main"
    group: str = "home"


@dataclass(frozen=True)
class NavMenu:
    group: NavGroup
    items: list[NavItem]

    @property
    def single(self) -> bool:
        """A menu of one link is shown as that link, not as a drop-down."""
        return len(self.items) == 1


@dataclass(frozen=True)
class HomeCard:
    """A card on a role's home page; `context` returns the template variables
    (or None to hide the card for this user)."""

    template: str
    roles: frozenset[str]
    order: int = 100
    context: Callable[[Any], dict[str, Any] | None] = field(default=lambda user: {})
    key: str = ""  # tells apart cards that share a template (the work-list card)


_NAV: list[NavItem] = []
_CARDS: list[HomeCard] = []


def group_for(url_name: str) -> str:
    namespace = url_name.split(":", 1)[0] if ":" in url_name else ""
    return NAMESPACE_GROUPS.get(namespace, "home")


def register_nav(
    label: Any,
    url_name: str,
    roles: Iterable[str] = (),
    order: int = 100,
    *,
    group: str | None = None,
) -> None:
    key = group or group_for(url_name)
    if key not in GROUPS:
        raise ValueError(f"unknown navigation group {key!r}")
    item = NavItem(label, url_name, frozenset(roles), order, group=key)
    if all(existing.url_name != url_name or existing.label != label for existing in _NAV):
        _NAV.append(item)


def register_home_card(
    template: str,
    roles: Iterable[str],
    order: int = 100,
    context: Callable[[Any], dict[str, Any] | None] | None = None,
    *,
    key: str = "",
) -> None:
    """A card on the home page. Work lists use the shared `core/cards/due.html` with a
    context from `qinqing.core.cards.due_card` and a `key` naming the list."""
    card = HomeCard(
        template, frozenset(roles), order, context or (lambda user: {}), key or template
    )
    if all(existing.key != card.key for existing in _CARDS):
        _CARDS.append(card)


def nav_for(roles: set[str], is_admin: bool) -> list[NavItem]:
    """Items for the person's roles; administrators also see every staff item, but not
    the enterprise portal's, which need an enterprise behind the account."""
    return sorted(
        (
            i
            for i in _NAV
            if not i.roles or i.roles & roles or (is_admin and i.roles - {"enterprise"})
        ),
        key=lambda i: i.order,
    )


def menus_for(roles: set[str], is_admin: bool) -> list[NavMenu]:
    """The person's links grouped into menus, in menu order."""
    by_group: dict[str, list[NavItem]] = {}
    for item in nav_for(roles, is_admin):
        by_group.setdefault(item.group, []).append(item)
    return [
        NavMenu(GROUPS[key], items)
        for key, items in sorted(by_group.items(), key=lambda kv: GROUPS[kv[0]].order)
    ]


def cards_for(roles: set[str], is_admin: bool) -> list[HomeCard]:
    return sorted(
        (c for c in _CARDS if c.roles & roles or (is_admin and "admin" in c.roles)),
        key=lambda c: c.order,
    )
