"""Hot-spot, duplicate and seasonal benchmarks on the shared message sets.

Run from the project root: `python bench/hotspots.py`. Uses gov-messages/hotspot.csv for
hot spots and duplicates and fuzhou-12345/tickets.csv (2006-2020) for seasonal recurrence.
"""

from __future__ import annotations

import csv
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# ../shared/data from the project root; a git worktree sits one level deeper, so the
# nearest ancestor that has shared/data wins.
DATA_DIR = next(
    (p / "shared" / "data" for p in PROJECT_ROOT.parents if (p / "shared" / "data").is_dir()),
    PROJECT_ROOT.parent / "shared" / "data",
)
HOTSPOT_CSV = DATA_DIR / "gov-messages" / "hotspot.csv"
FUZHOU_CSV = DATA_DIR / "fuzhou-12345" / "tickets.csv"
# Most of hotspot.csv falls in 2019; the few 2017-2018 stragglers would make every
# cluster look like it "grew", so the hot-spot period is 2019 up to the last message.
PERIOD_START = date(2019, 1, 1)
# The message boards record local (China Standard Time) wall-clock times.
CHINA_TIME = timezone(timedelta(hours=8))
DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")

sys.path.insert(0, str(PROJECT_ROOT))

from qinqing.analytics.ml.hotspots import (  # noqa: E402
    HotSpot,
    HotSpotSettings,
    Message,
    find_hotspots,
    place_conflicts,
    title_place_matrix,
)
from qinqing.analytics.ml.seasonal import (  # noqa: E402
    DatedItem,
    display_topic,
    find_seasonal_topics,
    upcoming_seasonal_warnings,
)
from qinqing.analytics.ml.similarity import (  # noqa: E402
    Appeal,
    build_index,
    duplicate_pairs,
    group_pairs,
)


def parse_time(raw: str) -> datetime | None:
    raw = raw.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=CHINA_TIME)
        except ValueError:
            continue
    return None


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_messages(path: Path) -> list[Message]:
    messages = []
    for record in read_csv(path):
        messages.append(
            Message(
                id=record["留言编号"],
                title=record["留言主题"].strip(),
                text=record["留言详情"].strip(),
                date=parse_time(record["留言时间"]),
                likes=int(record["点赞数"] or 0),
                author=record["留言用户"],
            )
        )
    return messages


def figure(name: str, value: float | int, unit: str) -> None:
    shown = f"{value:.2f}" if isinstance(value, float) else str(value)
    print(f"{name}: {shown} {unit}", flush=True)


# The settings before the place and anchor guards: the same-run reference.
REFERENCE = HotSpotSettings(anchor_min_titles=10**9, place_conflict_factor=1.0)
# The case the guards were written for: one fraud case, many differently worded letters.
CASE_PHRASE = "58车贷"


def bench_hotspots(messages: list[Message]) -> None:
    dated = [m for m in messages if m.date is not None and m.date.date() >= PERIOD_START]
    end = max(m.date.date() for m in dated if m.date is not None)
    print(f"hot-spot period {PERIOD_START}..{end}: {len(dated)} messages", flush=True)
    started = time.perf_counter()
    reference = find_hotspots(dated, period=(PERIOD_START, end), settings=REFERENCE)
    figure("hotspot_seconds_reference", time.perf_counter() - started, "s")
    started = time.perf_counter()
    spots = find_hotspots(dated, period=(PERIOD_START, end))
    figure("hotspot_seconds", time.perf_counter() - started, "s")
    by_id = {m.id: m for m in dated}
    for name, found in (("", spots), ("_reference", reference)):
        case = [s for s in found if any(CASE_PHRASE in by_id[i].title for i in s.member_ids)]
        figure(f"hotspot_{CASE_PHRASE}_clusters{name}", len(case), "count")
        figure(
            f"hotspot_{CASE_PHRASE}_largest{name}", max((s.count for s in case), default=0), "count"
        )
        mixed = sum(_mixes_places(s, by_id) for s in found[:50])
        figure(f"hotspot_top50_mixing_places{name}", mixed, "count")
    figure("hotspot_clusters", len(spots), "count")
    figure("hotspot_messages_in_clusters", sum(s.count for s in spots), "count")
    print("top 10 hot spots (score | messages/authors | likes | dates | label | places):")
    for rank, spot in enumerate(spots[:10], start=1):
        print(
            f"  {rank:2d}. {spot.score:5.2f} | {spot.count}/{spot.authors} | {spot.likes} | "
            f"{spot.first_date}..{spot.last_date} | {spot.label} | {', '.join(spot.places)}"
        )


def _mixes_places(spot: HotSpot, by_id: dict) -> bool:  # type: ignore[type-arg]
    """Two members whose titles name places with nothing in common."""
    members = [by_id[i] for i in spot.member_ids]
    return bool(place_conflicts(title_place_matrix(members)).any())


def bench_duplicates(messages: list[Message]) -> None:
    appeals = [Appeal(id=m.id, title=m.title, text=m.text, date=m.date) for m in messages]
    print(f"duplicates over all {len(appeals)} messages (cosine >= 0.8)", flush=True)
    started = time.perf_counter()
    pairs = duplicate_pairs(appeals, threshold=0.8)
    groups = group_pairs(appeals, pairs)
    figure("duplicate_seconds", time.perf_counter() - started, "s")
    figure("duplicate_pairs", len(pairs), "count")
    figure("duplicate_groups", len(groups), "count")
    figure("duplicate_messages_in_groups", sum(len(g) for g in groups), "count")

    started = time.perf_counter()
    index = build_index(appeals)
    figure("duplicate_index_seconds", time.perf_counter() - started, "s")
    probes = appeals[:200]
    started = time.perf_counter()
    for probe in probes:
        index.query(probe.text, title=probe.title, on=probe.date, exclude_id=probe.id)
    figure("duplicate_query_ms", (time.perf_counter() - started) * 1000 / len(probes), "ms")


def bench_seasonal(path: Path) -> None:
    items = []
    for record in read_csv(path):
        when = parse_time(record["时间"])
        if when is not None:
            items.append(
                DatedItem(date=when.date(), text=f"{record['标题']}\n{record['投诉件内容']}")
            )
    print(f"seasonal over {path.name}: {len(items)} dated tickets", flush=True)
    started = time.perf_counter()
    patterns = find_seasonal_topics(items)
    figure("seasonal_seconds", time.perf_counter() - started, "s")
    figure("seasonal_patterns", len(patterns), "count")
    for pattern in patterns[:8]:
        print(
            f"  {display_topic(pattern.topic)} months={pattern.months} years={pattern.years} "
            f"lift={pattern.lift}"
        )
    warnings = upcoming_seasonal_warnings(patterns, date(2021, 4, 10), lead_weeks=4)
    figure("seasonal_warnings_2021_04_10", len(warnings), "count")


def main() -> int:
    if not HOTSPOT_CSV.exists():
        print(f"no data at {HOTSPOT_CSV}; nothing to benchmark")
        return 0
    messages = load_messages(HOTSPOT_CSV)
    print(f"loaded {HOTSPOT_CSV}: {len(messages)} messages", flush=True)
    bench_hotspots(messages)
    bench_duplicates(messages)
    if FUZHOU_CSV.exists():
        bench_seasonal(FUZHOU_CSV)
    else:
        print(f"no data at {FUZHOU_CSV}; seasonal benchmark skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
