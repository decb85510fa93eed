"""Navigation and home-page cards that apps register at start-up (AppConfig.ready), so
the shell shows each role what it may use without the shell importing the apps."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: Any  # a lazy translation
    url_name: str
    roles: frozenset[str]  # empty: every logged-in person
    order: int = 100
    section: str = "main"


@dataclass(frozen=True)
class HomeCard:
    """A card on a role's home page; `context` returns the template variables
    (or None to hide the card for this user)."""

    template: str
    roles: frozenset[str]
    order: int = 100
    context: Callable[[Any], dict[str, Any] | None] = field(default=lambda user: {})


_NAV: list[NavItem] = []
_CARDS: list[HomeCard] = []


def register_nav(label: Any, url_name: str, roles: Iterable[str] = (), order: int = 100) -> None:
    item = NavItem(label, url_name, frozenset(roles), order)
    if item not in _NAV:
        _NAV.append(item)


def register_home_card(
    template: str,
    roles: Iterable[str],
    order: int = 100,
    context: Callable[[Any], dict[str, Any] | None] | None = None,
) -> None:
    card = HomeCard(template, frozenset(roles), order, context or (lambda user: {}))
    if all(existing.template != template for existing in _CARDS):
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


def cards_for(roles: set[str], is_admin: bool) -> list[HomeCard]:
    return sorted(
        (c for c in _CARDS if c.roles & roles or (is_admin and "admin" in c.roles)),
        key=lambda c: c.order,
    )
