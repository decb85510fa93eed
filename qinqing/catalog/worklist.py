"""A department's worklist of open matters, paged by keyset (never OFFSET, never a COUNT
over the whole table), so that it stays fast at a million matters.

Order: matters not yet accepted (no due date) first, oldest first; then accepted ones by
due date. The same on SQLite and PostgreSQL (no reliance on where a database sorts NULLs).

A user's matters come from one or more sources, each an index range scan on the partial
indexes `matter_dept_queue` / `matter_window_queue` (open matters only): one per
department in the user's scope, one per window (minus what the departments already
hold, so that sources never overlap). Each source yields at most one page; the pages
are merged in Python. An OR over departments and windows in one query cannot use an
index for its order, and walked the whole open queue for a small department.
"""

import base64
import binascii
import datetime as dt
import heapq
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.utils import timezone

from qinqing.accounts.models import Organisation, OrgKind
from qinqing.accounts.permissions import has_role, is_admin, scope_filter
from qinqing.catalog.models import OPEN_MATTER, Matter
from qinqing.catalog.selectors import DEPARTMENT_ROLES

PAGE = 50
# what a worklist row shows (catalog/_matter_rows.html): no JSON columns, no full item
LISTED = (
    "number",
    "item__name",
    "applicant_name",
    "channel",
    "status",
    "correction_count",
    "missing_material",
    "due_at",
    "paused_at",
    "decided_at",
)
CAP = 1000  # counts on the home card stop here ("1000+")

# (undated first, then the due date, then the id): a matter's place in the queue
Key = tuple[int, dt.datetime, int]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def key_of(due_at: dt.datetime | None, pk: int) -> Key:
    return (0, _EPOCH, pk) if due_at is None else (1, due_at, pk)


def encode_cursor(key: Key) -> str:
    stage, due_at, pk = key
    delta = due_at - _EPOCH
    micros = (
        ((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds) if stage else 0
    )
    return base64.urlsafe_b64encode(f"{stage}.{micros}.{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key | None:
    """The key after which a page starts; None (the first page) for anything malformed."""
    if not cursor or len(cursor) > 80:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stage, micros, pk = (int(part) for part in raw.split("."))
        due_at = _EPOCH + dt.timedelta(microseconds=micros)
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        return None
    if stage not in (0, 1) or pk < 0:
        return None
    return (stage, due_at, pk)


def _open() -> QuerySet[Matter]:
    return Matter.objects.filter(status__in=OPEN_MATTER)


def sources_for(user: Any) -> list[QuerySet[Matter]]:
    """Disjoint querysets whose union is the user's worklist: the matters of each
    department in the user's scope, and those registered at each of its windows for a
    department outside it."""
    if is_admin(user):
        return [_open()]
    if not has_role(user, *DEPARTMENT_ROLES):
        return []
    orgs = list(
        Organisation.objects.filter(scope_filter(user, *DEPARTMENT_ROLES, field="")).values_list(
            "pk", "kind"
        )
    )
    departments = [pk for pk, kind in orgs if kind != OrgKind.WINDOW]
    windows = [pk for pk, kind in orgs if kind == OrgKind.WINDOW]
    return [_open().filter(department_id=pk) for pk in departments] + [
        _open().filter(window_id=pk).exclude(department_id__in=departments) for pk in windows
    ]


def _rows_after(source: QuerySet[Matter], after: Key | None, n: int) -> list[tuple[Key, Matter]]:
    """The next `n` matters of one source after `after`, in queue order (at most two
    index range scans, each returning the rows a worklist shows)."""
    listed = source.select_related("item").only(*LISTED)
    rows: list[tuple[Key, Matter]] = []
    if after is None or after[0] == 0:
        undated = listed.filter(due_at__isnull=True)
        if after is not None:
            undated = undated.filter(pk__gt=after[2])
        # due_at is NULL throughout; ordering by it too lets PostgreSQL read the queue
        # index in order (it does not treat IS NULL as fixing the column for ordering)
        rows = [(key_of(None, m.pk), m) for m in undated.order_by("due_at", "pk")[:n]]
        after = None
    if len(rows) < n:
        dated = listed.filter(due_at__isnull=False)
        if after is not None:
            dated = dated.filter(
                TupleGreaterThan(Tuple(F("due_at"), F("pk")), (after[1], after[2]))
            )
        rows += [
            (key_of(m.due_at, m.pk), m) for m in dated.order_by("due_at", "pk")[: n - len(rows)]
        ]
    return rows


@dataclass(frozen=True)
class WorklistPage:
    matters: list[Matter]
    next_cursor: str  # "" on the last page


def worklist_page(user: Any, *, after: str = "", size: int = PAGE) -> WorklistPage:
    start = decode_cursor(after)
    merged = heapq.merge(
        *(_rows_after(s, start, size + 1) for s in sources_for(user)), key=lambda row: row[0]
    )
    rows = [row for _, row in zip(range(size + 1), merged, strict=False)]
    more = len(rows) > size
    rows = rows[:size]
    return WorklistPage([m for _, m in rows], encode_cursor(rows[-1][0]) if more and rows else "")


def capped_count(querysets: list[QuerySet[Matter]], cap: int = CAP) -> int:
    """How many rows the disjoint querysets hold, counting no further than `cap`."""
    total = 0
    for qs in querysets:
        if total >= cap:
            break
        total += qs.order_by()[: cap - total].count()
    return min(total, cap)


def worklist_counts(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """Open and overdue matters on the user's worklist, each capped at CAP."""
    now = now or timezone.now()
    sources = sources_for(user)
    return {
        "open": capped_count(sources),
        "overdue": capped_count(
            [s.filter(due_at__lt=now, paused_at__isnull=True) for s in sources]
        ),
        "cap": CAP,
    }
