"""Likely duplicates (重复件) of a new or registered appeal.

The candidate pool is fetched in one bounded query: appeals still open, or registered in
the last DUPLICATE_WINDOW_DAYS days, in the same division tree (the appeal's top-level
division) or from the same enterprise, newest first, at most POOL_LIMIT rows. The pool is
scored with qinqing.analytics.ml.similarity (character n-gram cosine, plus bonuses for the
same enterprise, the same place and closeness in time).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from qinqing.accounts.models import Organisation
from qinqing.analytics.ml.similarity import (
    DEFAULT_MIN_SCORE,
    DuplicateIndex,
    DuplicateMatch,
    build_index,
)
from qinqing.analytics.ml.similarity import Appeal as SimilarityItem
from qinqing.appeals.models import FINAL_STATUSES, Appeal, Status

DUPLICATE_WINDOW_DAYS = int(getattr(settings, "QINQING_DUPLICATE_WINDOW_DAYS", 30))
POOL_LIMIT = int(getattr(settings, "QINQING_DUPLICATE_POOL_LIMIT", 3000))
MIN_SCORE = DEFAULT_MIN_SCORE
DELTA_LIMIT = 500


@dataclass(frozen=True)
class Candidate:
    appeal: Appeal
    match: DuplicateMatch


def _top_division(division: Organisation | None) -> str | None:
    """Path of the division's outermost ancestor that is still a division (the district)."""
    if division is None:
        return None
    ids = [p for p in division.path.strip("/").split("/") if p]
    return f"/{ids[0]}/" if ids else division.path


def _live(now: dt.datetime) -> Q:
    recent = now - dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
    return (~Q(status__in=FINAL_STATUSES) | Q(created_at__gte=recent)) & ~Q(status=Status.DUPLICATE)


_FIELDS = ("pk", "title", "description", "enterprise_id", "address", "created_at", "division_id")


def candidate_pool(
    *,
    division: Organisation | None,
    enterprise_id: int | None,
    now: dt.datetime | None = None,
    limit: int = POOL_LIMIT,
) -> QuerySet[Appeal]:
    where = Q()
    root = _top_division(division)
    if root is not None:
        where = Q(division__path__startswith=root)
        if enterprise_id is not None:
            where |= Q(enterprise_id=enterprise_id)
    return (
        Appeal.objects.filter(_live(now or timezone.now()), where)
        .only(*_FIELDS)
        .order_by("-created_at", "-id")[:limit]
    )


def _as_item(a: Appeal) -> SimilarityItem:
    return SimilarityItem(
        id=a.pk,
        text=a.description,
        title=a.title,
        enterprise_id=a.enterprise_id,
        place=a.address or None,
        date=a.created_at,
    )


@dataclass
class _PoolIndex:
    built_at: float
    max_pk: int
    index: DuplicateIndex
    titles: dict[int, str]


# Vectorising a pool of thousands of appeals takes about a second, so the district's pool
# is indexed once per INDEX_TTL seconds and process; appeals registered since are scored in
# a small second index, and every match is re-read from the database before it is shown.
_INDEXES: dict[tuple[Any, ...], _PoolIndex] = {}
_INDEX_LOCK = threading.Lock()
MAX_CACHED_POOLS = 32


def _pool_index(division: Organisation | None, now: dt.datetime) -> tuple[_PoolIndex, Q]:
    root = _top_division(division)
    where = Q(division__path__startswith=root) if root else Q()
    ttl = float(getattr(settings, "QINQING_DUPLICATE_INDEX_TTL", 60))
    # the root's creation time tells a recreated tree (tests) from the one indexed
    root_id = int(root.strip("/")) if root else None
    root_stamp = (
        Organisation.objects.filter(pk=root_id).values_list("created_at", flat=True).first()
        if root_id
        else None
    )
    key = (root, root_stamp)
    with _INDEX_LOCK:
        cached = _INDEXES.get(key)
        if cached is not None and time.monotonic() - cached.built_at < ttl:
            return cached, where
        pool = list(
            Appeal.objects.filter(_live(now), where)
            .only(*_FIELDS)
            .order_by("-created_at", "-id")[:POOL_LIMIT]
        )
        max_pk = Appeal.objects.aggregate(m=Max("pk"))["m"] or 0
        entry = _PoolIndex(
            built_at=time.monotonic(),
            max_pk=max_pk,
            index=build_index(_as_item(a) for a in pool),
            titles={a.pk: a.title for a in pool},
        )
        if len(_INDEXES) >= MAX_CACHED_POOLS:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = entry
        return entry, where


def likely_duplicates(
    *,
    title: str,
    text: str,
    enterprise_id: int | None,
    division: Organisation | None,
    address: str = "",
    on: dt.datetime | None = None,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[Candidate]:
    """Ranked likely duplicates, best first (at most `limit`)."""
    if not (title or text):
        return []
    now = timezone.now()
    base, where = _pool_index(division, now)
    recent = Q(pk__gt=base.max_pk) & where
    if enterprise_id is not None:
        recent |= Q(enterprise_id=enterprise_id) & ~where
    delta = list(
        Appeal.objects.filter(_live(now), recent).only(*_FIELDS).order_by("-id")[:DELTA_LIMIT]
    )
    query = {
        "title": title,
        "enterprise_id": enterprise_id,
        "place": address or None,
        "on": on or now,
        "limit": limit + 1,
        "min_score": MIN_SCORE,
    }
    matches = base.index.query(text, **query)
    if delta:
        matches += build_index(_as_item(a) for a in delta).query(text, **query)
    best: dict[int, DuplicateMatch] = {}
    for m in sorted(matches, key=lambda m: m.score, reverse=True):
        if m.id != exclude_id and m.id not in best:
            best[int(m.id)] = m
    fresh = {a.pk: a for a in Appeal.objects.filter(_live(now), pk__in=list(best)).only(*_FIELDS)}
    titles = {**base.titles, **{a.pk: a.title for a in delta}}
    found = [
        Candidate(fresh[pk], m)
        for pk, m in best.items()
        if pk in fresh and titles.get(pk) == fresh[pk].title
    ]
    return found[:limit]


def duplicates_of(appeal: Appeal, *, limit: int = 10) -> list[Candidate]:
    return likely_duplicates(
        title=appeal.title,
        text=appeal.description,
        enterprise_id=appeal.enterprise_id,
        division=appeal.division,
        address=appeal.address,
        on=appeal.created_at,
        exclude_id=appeal.pk,
        limit=limit,
    )


def advisor_duplicates(title: str, text: str, enterprise: Any, division: Any) -> list[int]:
    """Ids for the intake advisor. On the detail page the appeal itself is in the pool:
    the one candidate identical in title, text, enterprise and division is left out (the
    hook does not pass the appeal's id)."""
    enterprise_id = getattr(enterprise, "pk", enterprise)
    org = division if isinstance(division, Organisation) else None
    if org is None and division is not None:
        org = Organisation.objects.filter(pk=division).first()
    found = likely_duplicates(
        title=title, text=text, enterprise_id=enterprise_id, division=org, limit=6
    )
    ids = [
        c.appeal.pk
        for c in found
        if not (
            org is not None
            and c.appeal.title == title
            and c.appeal.description == text
            and c.appeal.enterprise_id == enterprise_id
            and c.appeal.division_id == org.pk
        )
    ]
    return ids[:5]


_PUNCTUATION = set("，。、；：？！“”‘’（）《》【】,.;:?!\"'()[]<> \n\t-—·")


def shared_words(a: str, b: str, *, limit: int = 6) -> list[str]:
    """Runs of at least two characters that both texts contain (longest first), the
    "why" an operator reads beside a likely duplicate."""
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(None, a, b, autojunk=False)
    found: list[str] = []
    for block in matcher.get_matching_blocks():
        run = a[block.a : block.a + block.size]
        for piece in "".join(ch if ch not in _PUNCTUATION else " " for ch in run).split():
            if len(piece) >= 2 and piece not in found:
                found.append(piece)
    found.sort(key=len, reverse=True)
    return found[:limit]


def advisor_duplicate_details(
    title: str, text: str, enterprise: Any, division: Any
) -> list[dict[str, Any]]:
    """Likely duplicates for the intake advisor with the reasons: score, words shared
    with the typed title and text, same enterprise, days apart."""
    enterprise_id = getattr(enterprise, "pk", enterprise)
    org = division if isinstance(division, Organisation) else None
    if org is None and division is not None:
        org = Organisation.objects.filter(pk=division).first()
    found = likely_duplicates(
        title=title, text=text, enterprise_id=enterprise_id, division=org, limit=6
    )
    details = []
    for c in found:
        a = c.appeal
        if org is not None and (a.title, a.description, a.enterprise_id, a.division_id) == (
            title,
            text,
            enterprise_id,
            org.pk,
        ):
            continue  # the appeal itself, on its own detail page
        details.append(
            {
                "id": a.pk,
                "score": round(float(c.match.score), 4),
                "reasons": list(c.match.reasons),
                "shared_words": shared_words(f"{title} {text}", f"{a.title} {a.description}"),
                "same_enterprise": enterprise_id is not None and a.enterprise_id == enterprise_id,
                "days_apart": c.match.days_apart,
            }
        )
    return details[:5]
