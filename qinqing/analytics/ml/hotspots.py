"""Hot spots: group a period's messages into topics and rank them.

Messages are vectorised as hashed character 2-3-gram TF-IDF of title (twice) and the
opening of the body, then clustered by average-linkage agglomeration on cosine distance
with a distance cut-off, so the number of topics is not fixed in advance. Average linkage
keeps topics tight where single linkage would chain unrelated messages through
near-neighbours. Two guards then correct what plain text similarity gets wrong:

* places: two messages whose titles name different specific places ("A5区劳动东路" and
  "A3区梅溪湖看云路") are less similar than their wording says, so that one complaint
  about two streets does not become one hot spot;
* anchors: clusters whose titles share a rare phrase (a case name such as "58车贷") in
  at least half of their members are one topic, however differently the letters are
  worded, as long as they do not name different places.

Each cluster is labelled by its most central title and described by
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
from qinqing.analytics.ml.text import extract_places, normalize, place_key, place_tokens, tokenize

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
    # Similarity of two messages whose titles name places, none in common, is scaled by
    # this factor (names of one place vary, so it is a penalty rather than a veto).
    place_conflict_factor: float = 0.1
    # An anchor is a title character n-gram in at least anchor_min_titles titles and
    # at most anchor_max_share of all titles (wider phrases are themes, not cases) that
    # occurs in at least anchor_cover of each cluster's titles.
    anchor_ngram: int = 3
    anchor_min_titles: int = 3
    anchor_max_share: float = 0.005
    anchor_cover: float = 0.5


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
    places = title_place_matrix(items)
    labels = _cluster_vectors(vectors, settings.distance_threshold, places, settings)
    labels = merge_by_anchor([m.title for m in items], labels, places, settings)
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
    settings = HotSpotSettings(distance_threshold=distance_threshold)
    places = title_place_matrix(messages)
    labels = _cluster_vectors(_vectorise(messages), distance_threshold, places, settings)
    return merge_by_anchor([m.title for m in messages], labels, places, settings)


def _cluster_vectors(
    vectors: csr_matrix,
    distance_threshold: float,
    places: csr_matrix | None = None,
    settings: HotSpotSettings | None = None,
) -> np.ndarray:
    factor = (settings or HotSpotSettings()).place_conflict_factor
    if vectors.shape[0] <= MAX_EXACT:
        return _average_linkage(vectors, distance_threshold, places, factor)
    return _partitioned_linkage(vectors, distance_threshold, places, factor)


def _vectorise(messages: Sequence[Message]) -> csr_matrix:
    documents = [f"{m.title}\n{m.title}\n{(m.text or '')[:BODY_CHARS]}" for m in messages]
    # An n-gram shared by more than 5% of the period's messages is wider than any one
    # topic; dropping those keeps the similarity product cheap and the topics specific.
    return CharVectorizer(max_df=0.05).fit_transform(documents)


def _average_linkage(
    vectors: csr_matrix,
    distance_threshold: float,
    places: csr_matrix | None = None,
    conflict_factor: float = 1.0,
) -> np.ndarray:
    n = vectors.shape[0]
    if n == 1:
        return np.zeros(1, dtype=int)
    similarity = (vectors @ vectors.T).toarray()
    if places is not None and conflict_factor != 1.0:
        similarity[place_conflicts(places)] *= conflict_factor
    upper = np.triu_indices(n, k=1)
    condensed = np.clip(1.0 - similarity[upper], 0.0, 2.0).astype(np.float64)
    del similarity
    tree = linkage(condensed, method="average")
    return fcluster(tree, t=distance_threshold, criterion="distance") - 1


def _partitioned_linkage(
    vectors: csr_matrix,
    distance_threshold: float,
    places: csr_matrix | None = None,
    conflict_factor: float = 1.0,
) -> np.ndarray:
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
        block_places = places[rows] if places is not None else None
        if len(rows) > MAX_EXACT:
            local = _partitioned_linkage(
                vectors[rows], distance_threshold, block_places, conflict_factor
            )
        else:
            local = _average_linkage(
                vectors[rows], distance_threshold, block_places, conflict_factor
            )
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


# --- places and anchors -------------------------------------------------------------------
def title_place_matrix(messages: Sequence[Message]) -> csr_matrix:
    """A message x place-token incidence matrix from the places the titles name."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, message in enumerate(messages):
        tokens = set().union(*(place_tokens(p) for p in extract_places(message.title)))
        for token in tokens:
            rows.append(row)
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
    data = np.ones(len(rows), dtype=np.float32)
    return csr_matrix((data, (rows, cols)), shape=(len(messages), max(len(vocabulary), 1)))


def place_conflicts(places: csr_matrix) -> np.ndarray:
    """n x n booleans: both titles name places and they have no place in common."""
    named = np.diff(places.indptr) > 0
    conflicts = np.outer(named, named)
    # kept sparse: a dense n x n product would double the memory of the linkage step
    conflicts[(places @ places.T).nonzero()] = False
    return conflicts


def merge_by_anchor(
    titles: Sequence[str],
    labels: np.ndarray,
    places: csr_matrix,
    settings: HotSpotSettings,
) -> np.ndarray:
    """Join clusters whose titles share a rare phrase, unless they name different places.

    Only clusters of two or more define anchors (in at least two of their titles); a lone
    message joins the cluster whose anchor its title contains when exactly one does, so
    it can never bridge two topics.
    """
    grams = [_title_grams(title, settings.anchor_ngram) for title in titles]
    members: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(int(label), []).append(index)
    owners = _anchor_owners(members, grams, _rare_grams(titles, grams, settings), settings)
    joined = _UnionFind(
        {label: frozenset(places[rows].indices.tolist()) for label, rows in members.items()}
    )
    for gram in sorted(owners):
        first, *others = owners[gram]
        for other in others:
            joined.union(first, other)
    for label, rows in members.items():
        if len(rows) == 1:
            hosts = {joined.root(o) for g in grams[rows[0]] for o in owners.get(g, [])}
            if len(hosts) == 1:
                joined.union(hosts.pop(), label)
    return np.array([joined.root(int(label)) for label in labels], dtype=int)


def _rare_grams(
    titles: Sequence[str], grams: list[set[str]], settings: HotSpotSettings
) -> set[str]:
    df = Counter(g for per_title in grams for g in per_title)
    ceiling = max(settings.anchor_max_share * len(titles), 2 * settings.anchor_min_titles)
    # Place names are rare phrases too, but many topics happen at one place: a phrase
    # that is part of any place named in the titles never anchors.
    in_places = {
        g
        for title in titles
        for place in extract_places(title)
        for g in _title_grams(place, settings.anchor_ngram)
    }
    return {
        g
        for g, n in df.items()
        if settings.anchor_min_titles <= n <= ceiling and g not in in_places
    }


def _anchor_owners(
    members: dict[int, list[int]],
    grams: list[set[str]],
    rare: set[str],
    settings: HotSpotSettings,
) -> dict[str, list[int]]:
    """Anchor phrase -> the clusters (two or more messages) it covers."""
    owners: dict[str, list[int]] = {}
    for label, rows in members.items():
        if len(rows) < 2:
            continue
        counts = Counter(g for row in rows for g in grams[row] & rare)
        for gram, n in counts.items():
            if n >= max(2, settings.anchor_cover * len(rows)):
                owners.setdefault(gram, []).append(label)
    return owners


class _UnionFind:
    """Cluster labels joined unless the joined groups name different places."""

    def __init__(self, places: dict[int, frozenset[int]]) -> None:
        self.parent = {label: label for label in places}
        self.places = dict(places)

    def root(self, label: int) -> int:
        while self.parent[label] != label:
            self.parent[label] = self.parent[self.parent[label]]
            label = self.parent[label]
        return label

    def union(self, left: int, right: int) -> None:
        a, b = self.root(left), self.root(right)
        if a == b or _places_differ(self.places[a], self.places[b]):
            return
        self.parent[b] = a
        self.places[a] = self.places[a] | self.places[b]


def _places_differ(left: frozenset[int], right: frozenset[int]) -> bool:
    return bool(left) and bool(right) and not (left & right)


def _title_grams(title: str, n: int) -> set[str]:
    text = normalize(title).replace(" ", "")
    return {text[i : i + n] for i in range(len(text) - n + 1)}
