"""Seasonal recurrence: topics that come back in the same months year after year.

A topic is a category (when the items carry one) or a word from the text. For every
(year, month) the topic's share of that month's messages is compared with its share
over the whole history; a month where the share is at least `min_lift` times higher and
the topic has `min_count` messages is a peak. Calendar months that peak in at least
`min_years` different years are seasonal; adjacent seasonal months (December and
January too) merge into one window. Comparing shares rather than raw counts keeps a
platform whose volume grows every year from looking seasonal everywhere.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from qinqing.analytics.ml.text import tokenize, word_set

# Request and procedure words that fill every kind of message; as "topics" they only
# pick up template waves (a batch of similar letters), never a season.
GENERIC_TERMS = word_set(
    """
    按照 要求 重视 处理 解决 存在 造成 导致 严重 影响 投诉 举报 咨询 建议 请求 恳请 及时
    立即 马上 予以 落实 督促 调查 核实 回复 答复 反馈 办理 相关 有关 情况 时间 工作 生活
    小区 居民 业主 单位 公司 项目 部门 政府 市民 群众 附近 周边 我们 他们 已经 目前
    """
)


@dataclass(frozen=True)
class DatedItem:
    date: date | datetime
    topic: str | None = None
    text: str = ""


@dataclass(frozen=True)
class SeasonalPattern:
    topic: str
    months: tuple[int, ...]
    years: tuple[int, ...]
    counts: dict[int, int]
    lift: float
    years_observed: int


@dataclass(frozen=True)
class SeasonalWarning:
    topic: str
    # "category" when the topic is a category label, "term" when it is a word from text.
    kind: str
    months: tuple[int, ...]
    starts_on: date
    days_until: int
    years_seen: tuple[int, ...]
    typical_count: float


@dataclass(frozen=True)
class SeasonalSettings:
    min_years: int = 3
    min_count: int = 3
    min_lift: float = 2.0
    # The window as a whole must also hold this many times its calendar share of the
    # topic's messages; otherwise a topic that is common all year but happened to have
    # a few busy months in the same place is reported.
    min_window_lift: float = 1.5
    # Words in more than this share of all messages ("小区", "问题") are not topics.
    max_term_share: float = 0.2
    use_text_terms: bool = True


def find_seasonal_topics(
    items: Iterable[DatedItem], *, settings: SeasonalSettings | None = None
) -> list[SeasonalPattern]:
    """Seasonal patterns, the most regular (most years, then highest lift) first."""
    settings = settings or SeasonalSettings()
    topic_counts, month_totals = _count(items, settings)
    grand_total = sum(month_totals.values())
    if grand_total == 0:
        return []
    years_observed = len({year for year, _ in month_totals})
    patterns: list[SeasonalPattern] = []
    for topic, by_month in topic_counts.items():
        share = sum(by_month.values()) / grand_total
        if topic.startswith("term:") and share > settings.max_term_share:
            continue
        peaks = _peaks(by_month, month_totals, share, settings)
        patterns.extend(_windows(topic, by_month, peaks, settings, years_observed))
    patterns.sort(key=lambda p: (len(p.years), p.lift, sum(p.counts.values())), reverse=True)
    return patterns


def upcoming_seasonal_warnings(
    history: Iterable[DatedItem] | Sequence[SeasonalPattern],
    today: date,
    lead_weeks: int = 4,
    *,
    settings: SeasonalSettings | None = None,
) -> list[SeasonalWarning]:
    """Seasonal windows that open within lead_weeks of today, soonest first.

    history is either dated items (patterns are mined from them) or patterns already
    found by find_seasonal_topics().
    """
    horizon = today + timedelta(weeks=lead_weeks)
    warnings: list[SeasonalWarning] = []
    for pattern in _as_patterns(history, settings):
        starts_on = _next_month_start(today, pattern.months[0])
        if starts_on > horizon:
            continue
        warnings.append(
            SeasonalWarning(
                topic=display_topic(pattern.topic),
                kind=pattern.topic.split(":", 1)[0],
                months=pattern.months,
                starts_on=starts_on,
                days_until=(starts_on - today).days,
                years_seen=pattern.years,
                typical_count=float(statistics.median(pattern.counts.values())),
            )
        )
    warnings.sort(key=lambda w: (w.days_until, -len(w.years_seen)))
    return warnings


def _as_patterns(
    history: Iterable[DatedItem] | Sequence[SeasonalPattern], settings: SeasonalSettings | None
) -> list[SeasonalPattern]:
    entries = list(history)
    patterns = [entry for entry in entries if isinstance(entry, SeasonalPattern)]
    if patterns:
        return patterns
    items = [entry for entry in entries if isinstance(entry, DatedItem)]
    return find_seasonal_topics(items, settings=settings)


def display_topic(topic: str) -> str:
    """The topic without its internal kind prefix ("term:供暖" -> "供暖")."""
    return topic.split(":", 1)[1] if ":" in topic else topic


def _count(
    items: Iterable[DatedItem], settings: SeasonalSettings
) -> tuple[dict[str, Counter[tuple[int, int]]], Counter[tuple[int, int]]]:
    topic_counts: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    month_totals: Counter[tuple[int, int]] = Counter()
    for item in items:
        key = (item.date.year, item.date.month)
        month_totals[key] += 1
        for topic in _topics(item, settings):
            topic_counts[topic][key] += 1
    return topic_counts, month_totals


def _topics(item: DatedItem, settings: SeasonalSettings) -> set[str]:
    topics: set[str] = set()
    if item.topic:
        topics.add(f"category:{item.topic}")
    if settings.use_text_terms and item.text:
        topics.update(
            f"term:{token}"
            for token in tokenize(item.text)
            if len(token) >= 2 and not token.isascii() and token not in GENERIC_TERMS
        )
    return topics


def _peaks(
    by_month: Counter[tuple[int, int]],
    month_totals: Counter[tuple[int, int]],
    share: float,
    settings: SeasonalSettings,
) -> dict[int, set[int]]:
    """Calendar month -> the years in which that month peaked."""
    peaks: dict[int, set[int]] = defaultdict(set)
    for (year, month), count in by_month.items():
        expected = month_totals[(year, month)] * share
        if count >= settings.min_count and count >= settings.min_lift * expected:
            peaks[month].add(year)
    return peaks


def _windows(
    topic: str,
    by_month: Counter[tuple[int, int]],
    peaks: dict[int, set[int]],
    settings: SeasonalSettings,
    years_observed: int,
) -> list[SeasonalPattern]:
    seasonal = sorted(m for m, years in peaks.items() if len(years) >= settings.min_years)
    patterns = []
    for months in _adjacent_runs(seasonal):
        years = sorted(set().union(*(peaks[m] for m in months)))
        counts = {
            year: sum(by_month[(year, m)] for m in months if (year, m) in by_month)
            for year in years
        }
        in_window = sum(counts.values())
        total = sum(by_month.values())
        # Share of the topic's messages that fall in the window, against the share of
        # the calendar the window covers: a rough "how seasonal" figure for ranking.
        lift = (in_window / total) / (len(months) / 12) if total else 0.0
        if lift < settings.min_window_lift:
            continue
        patterns.append(
            SeasonalPattern(
                topic=topic,
                months=tuple(months),
                years=tuple(years),
                counts=counts,
                lift=round(lift, 2),
                years_observed=years_observed,
            )
        )
    return patterns


def _adjacent_runs(months: list[int]) -> list[list[int]]:
    """Group sorted calendar months into runs of consecutive months, wrapping Dec->Jan."""
    if not months:
        return []
    runs: list[list[int]] = [[months[0]]]
    for month in months[1:]:
        if month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][-1] == 12:
        runs[0] = runs.pop() + runs[0]
    return runs


def _next_month_start(today: date, month: int) -> date:
    year = today.year if month >= today.month else today.year + 1
    start = date(year, month, 1)
    if start < today:
        start = date(year + 1, month, 1)
    return start
