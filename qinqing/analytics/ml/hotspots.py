"""Hot spots: group a period's messages into topics and rank them.

Messages are vectorised as hashed character 2-3-gram TF-IDF of title (twice) and the
opening of the body, then clustered by average-linkage agglomeration on cosine distance
with a distance cut-off, so the number of topics is not fixed in advance. Average linkage
keeps topics tight where single linkage would chain unrelated messages through
near-neighbours. Each cluster is labelled by its most central title and described by
keywords, places, dates, public support and growth.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from sklearn.cluster import MiniBatchKMeans

from qinqing.analytics.ml.similarity import CharVectorizer
from qinqing.analytics.ml.text import extract_places, place_key, tokenize

# Exact average linkage needs n*(n-1)/2 distances; 8,000 messages is 256 MB of float64.
MAX_EXACT = 8000
BODY_CHARS = 300


@dataclass(frozen=True)
class Message:
    id: Hashable
    title: str
    text: str = ""
    date: date | datetime | None = None
    likes: int = 0
    author: Hashable | None = None


@dataclass(frozen=True)
class HotSpot:
    label: str
    keywords: tuple[str, ...]
    count: int
    authors: int
    member_ids: tuple[Hashable, ...]
    places: tuple[str, ...]
    first_date: date | None
    last_date: date | None
    likes: int
    growth: float
    score: float


@dataclass(frozen=True)
class HotSpotSettings:
    # Cosine distance at which average-linkage merging stops; chosen by reading the
    # clusters of the gov-messages hot-spot set (bench/hotspots.py).
    distance_threshold: float = 0.9
    min_size: int = 2
    n_keywords: int = 5
    n_places: int = 3


def find_hotspots(
    messages: Iterable[Message],
    *,
    period: tuple[date, date] | None = None,
    settings: HotSpotSettings | None = None,
    limit: int | None = None,
) -> list[HotSpot]:
    """Topic clusters of at least settings.min_size messages, best score first."""
    settings = settings or HotSpotSettings()
    items = list(messages)
    if len(items) < settings.min_size:
        return []
    vectors = _vectorise(items)
    labels = _cluster_vectors(vectors, settings.distance_threshold)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    period = period or _observed_period(items)
    title_df = _title_document_frequency(items)
    spots = [
        _describe(items, members, vectors, title_df, period, settings)
        for members in groups.values()
        if len(members) >= settings.min_size
    ]
    spots.sort(key=lambda spot: (spot.score, spot.count), reverse=True)
    return spots[:limit] if limit is not None else spots


def cluster_messages(messages: Sequence[Message], *, distance_threshold: float = 0.9) -> np.ndarray:
    """A cluster number per message (same order as the input)."""
    if len(messages) < 2:
        return np.zeros(len(messages), dtype=int)
    return _cluster_vectors(_vectorise(messages), distance_threshold)


def _cluster_vectors(vectors: csr_matrix, distance_threshold: float) -> np.ndarray:
    if vectors.shape[0] <= MAX_EXACT:
        return _average_linkage(vectors, distance_threshold)
    return _partitioned_linkage(vectors, distance_threshold)


def _vectorise(messages: Sequence[Message]) -> csr_matrix:
    documents = [f"{m.title}\n{m.title}\n{(m.text or '')[:BODY_CHARS]}" for m in messages]
    # An n-gram shared by more than 5% of the period's messages is wider than any one
    # topic; dropping those keeps the similarity product cheap and the topics specific.
    return CharVectorizer(max_df=0.05).fit_transform(documents)


def _average_linkage(vectors: csr_matrix, distance_threshold: float) -> np.ndarray:
    n = vectors.shape[0]
    if n == 1:
        return np.zeros(1, dtype=int)
    similarity = (vectors @ vectors.T).toarray()
    upper = np.triu_indices(n, k=1)
    condensed = np.clip(1.0 - similarity[upper], 0.0, 2.0).astype(np.float64)
    del similarity
    tree = linkage(condensed, method="average")
    return fcluster(tree, t=distance_threshold, criterion="distance") - 1


def _partitioned_linkage(vectors: csr_matrix, distance_threshold: float) -> np.ndarray:
    # Too many messages for an exact tree: split into coarse k-means blocks small enough
    # for exact linkage. A topic cut by a block boundary shows up as two clusters.
    n = vectors.shape[0]
    blocks = math.ceil(n / (MAX_EXACT / 2))
    coarse = MiniBatchKMeans(n_clusters=blocks, random_state=0, n_init=3).fit_predict(vectors)
    labels = np.empty(n, dtype=int)
    offset = 0
    for block in range(blocks):
        rows = np.flatnonzero(coarse == block)
        if len(rows) == 0:
            continue
        if len(rows) > MAX_EXACT:
            local = _partitioned_linkage(vectors[rows], distance_threshold)
        else:
            local = _average_linkage(vectors[rows], distance_threshold)
        labels[rows] = local + offset
        offset += int(local.max()) + 1
    return labels


def _describe(
    items: Sequence[Message],
    members: list[int],
    vectors: csr_matrix,
    title_df: Counter[str],
    period: tuple[date, date] | None,
    settings: HotSpotSettings,
) -> HotSpot:
    chosen = [items[i] for i in members]
    days = sorted(d for d in (_day(m.date) for m in chosen) if d is not None)
    likes = sum(max(m.likes, 0) for m in chosen)
    authors = len({m.author for m in chosen if m.author is not None}) or len(chosen)
    growth = _growth(days, period)
    return HotSpot(
        label=_central_title(chosen, vectors[members]),
        keywords=_keywords(chosen, title_df, len(items), settings.n_keywords),
        count=len(chosen),
        authors=authors,
        member_ids=tuple(m.id for m in chosen),
        places=_top_places(chosen, settings.n_places),
        first_date=days[0] if days else None,
        last_date=days[-1] if days else None,
        likes=likes,
        growth=round(growth, 3),
        score=round(_score(authors, likes, growth), 3),
    )


def _score(authors: int, likes: int, growth: float) -> float:
    # Distinct authors rather than raw count, so one person reposting does not make a
    # hot spot; support and growth matter, but less than how many people raise it.
    size = math.log2(1 + authors)
    support = 0.5 * math.log2(1 + likes)
    trend = 0.5 * min(max(math.log2(growth), -1.0), 2.0) if growth > 0 else -0.5
    return size + support + trend


def _growth(days: list[date], period: tuple[date, date] | None) -> float:
    """(second-half count + 1) / (first-half count + 1) over the period."""
    if not days or period is None:
        return 1.0
    start, end = period
    middle = start + (end - start) / 2
    first = sum(1 for d in days if d < middle)
    second = len(days) - first
    return (second + 1) / (first + 1)


def _central_title(chosen: list[Message], vectors: csr_matrix) -> str:
    centroid = np.asarray(vectors.mean(axis=0)).ravel()
    closeness = vectors @ centroid
    return chosen[int(np.argmax(closeness))].title.strip()


def _keywords(
    chosen: list[Message], title_df: Counter[str], n_total: int, n: int
) -> tuple[str, ...]:
    local = Counter(token for m in chosen for token in set(_title_tokens(m.title)))
    scored = {
        token: count * math.log((1 + n_total) / (1 + title_df[token]))
        for token, count in local.items()
        if count >= 2 or len(chosen) == 1
    }
    ranked = sorted(scored.items(), key=lambda pair: pair[1], reverse=True)
    return tuple(token for token, _ in ranked[:n])


def _title_document_frequency(items: Sequence[Message]) -> Counter[str]:
    return Counter(token for m in items for token in set(_title_tokens(m.title)))


def _title_tokens(title: str) -> list[str]:
    return [token for token in tokenize(title) if len(token) >= 2]


def _top_places(chosen: list[Message], n: int) -> tuple[str, ...]:
    # Titles name places cleanly; the body is only consulted when the titles name none,
    # and then only for places written with an administrative prefix ("A3区..."), since
    # bare names cut out of running prose are often fragments ("即同城").
    mentions = [extract_places(m.title) for m in chosen]
    if not any(mentions):
        mentions = [
            [p for p in extract_places((m.text or "")[:BODY_CHARS]) if p != place_key(p)]
            for m in chosen
        ]
    # "阳光小区" and "A3区阳光小区" are one place: count by key, show the fullest form.
    counts: Counter[str] = Counter()
    fullest: dict[str, str] = {}
    for places in mentions:
        for place in places:
            key = place_key(place)
            fullest[key] = max(fullest.get(key, ""), place, key=len)
        counts.update({place_key(place) for place in places})
    return tuple(fullest[key] for key, _ in counts.most_common(n))


def _observed_period(items: Sequence[Message]) -> tuple[date, date] | None:
    days = [d for d in (_day(m.date) for m in items) if d is not None]
    return (min(days), max(days)) if days else None


def _day(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value
