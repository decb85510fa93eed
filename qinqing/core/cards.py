"""The shape of a home-page work list card (`core/cards/due.html`): what is due, the
first few items with their deadlines, each linking to the item."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

FIRST_FEW = 5


@dataclass(frozen=True)
class DueItem:
    label: str
    url: str
    due: dt.datetime | dt.date | None = None
    note: str = ""
    marker: str = ""

    @property
    def overdue(self) -> bool:
        if self.due is None:
            return False
        if isinstance(self.due, dt.datetime):
            return self.due < timezone.now()
        return self.due < timezone.localdate()


def due_card(
    title: Any,
    rows: Iterable[Any],
    item: Callable[[Any], DueItem],
    *,
    count: int,
    more_url: str = "",
    more_label: Any = "",
    empty: Any = "",
    overdue: int = 0,
) -> dict[str, Any]:
    """Template variables for one card; `rows` should already be limited and ordered by
    what is due first."""
    return {
        "title": title,
        "count": count,
        "items": [item(row) for row in list(rows)[:FIRST_FEW]],
        "overdue": overdue,
        "more_url": more_url,
        "more_label": more_label,
        "empty": empty,
    }
