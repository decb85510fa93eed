"""Chinese search over the catalog: item text is segmented with jieba once, when the
item is saved (ServiceItem.search_text); a query is segmented the same way, everyday
words are expanded (vocab.SYNONYMS), and items are ranked by how many terms they hold."""

import functools
import re
from collections.abc import Hashable, Iterable
from typing import TypeVar

import jieba

from qinqing.catalog.vocab import SYNONYMS

jieba.setLogLevel(60)  # silence the dictionary-loading chatter
_PUNCT = re.compile(r"[\s，。、；：（）()“”\"'《》【】/\\\-—,.;:!?！？]+")
_STOP = frozenset(
    {"的", "和", "与", "及", "或", "我", "要", "想", "办", "办理", "怎么", "在", "哪里"}
)


def terms(text: str) -> list[str]:
    """Search terms of `text`: jieba's search-mode words, without punctuation and
    stop words, in order, without repeats."""
    seen: dict[str, None] = {}
    for part in _PUNCT.split(text or ""):
        if not part:
            continue
        for word in jieba.cut_for_search(part):
            word = word.strip().lower()
            if word and word not in _STOP:
                seen.setdefault(word, None)
    return list(seen)


def index_text(*parts: str) -> str:
    """What is stored in search_text: the terms, space-separated, with spaces around."""
    return " " + " ".join(terms(" ".join(p for p in parts if p))) + " "


def query_terms(query: str, *, synonyms: bool = True) -> list[str]:
    """The query's terms, with the catalog's words for everyday ones added."""
    found = terms(query)
    lowered = (query or "").lower()
    extra: list[str] = []
    for word, expansion in SYNONYMS.items() if synonyms else ():
        if word in lowered:
            extra += _expansion_terms(expansion)
    wanted = list(dict.fromkeys([*found, *extra]))
    longer = [t for t in wanted if len(t) > 1]
    return longer or wanted  # single characters only when nothing longer was typed


@functools.cache
def _expansion_terms(expansion: str) -> tuple[str, ...]:
    return tuple(terms(expansion))


def score(search_text: str, wanted: Iterable[str]) -> int:
    return sum(1 for t in wanted if f" {t} " in search_text)


Key = TypeVar("Key", bound=Hashable)


def rank(rows: Iterable[tuple[Key, str, str, str]], wanted: list[str]) -> list[Key]:
    """Keys of (key, search_text, name, code) rows, best first: most query terms held,
    then the shorter name; rows far weaker than the best are dropped."""
    scored = sorted(
        ((score(text, wanted), key, name, code) for key, text, name, code in rows),
        key=lambda row: (-row[0], len(row[2]), row[3]),
    )
    best = scored[0][0] if scored else 0
    return [key for s, key, _, _ in scored if 2 * s >= best]
