"""Chinese text normalisation and tokenisation shared by the ML modules.

jieba is imported lazily because loading its dictionary takes about a second; callers
that only need character n-grams never pay for it.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from functools import lru_cache
from typing import Any

_WHITESPACE = re.compile(r"\s+")
# Masked phone numbers, e-mails and long digit runs carry no topic signal but produce
# many unique n-grams; collapse them to one placeholder each.
_MASKED = re.compile(r"\*{3,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"https?://\S+")
_DIGITS = re.compile(r"\d+")
_TOKEN_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9#]")


def word_set(words: str) -> frozenset[str]:
    """A frozenset from whitespace-separated words, for readable multi-line word lists."""
    return frozenset(words.split())


STOPWORDS = word_set(
    """
    的 了 是 在 我 我们 你 你们 他 他们 她 它 这 那 和 与 及 或 也 都 就 又 还 被 把 给 对 从 向 到
    为 为了 以 之 于 而 但 但是 并 并且 如果 因为 所以 可以 能 能否 会 要 有 没有 没 不 一个 一些 这个 那个 这些 那些 什么 怎么
    如何 为何 请问 请 希望 您好 你好 尊敬 领导 谢谢 感谢 问题 情况 相关 部门 有关 现在 目前 已经 一直 今年 去年 很多 非常 十分 进行 反映 关于 尽快 是否
    能不能 啊 吗 呢 吧 呀 哦 嗯 等 等等 其 该 此 其中 以及 由于 自己 大家 市民 群众 政府 本人 现 已 没人 不能 不是 这样 一下 一样
    这种 哪些 多少 时候 情况下
    """
)

# Administrative prefix as written in the anonymised messages ("西地省", "A市", "A3区",
# "A7县"); kept with the place so that "A3区XX小区" stays distinct from a namesake
# elsewhere. Real district names ("岳麓区") end up inside the name part instead.
_ADMIN = r"(?:西地省|[\u4e00-\u9fff]{2}省)?(?:[A-Z]\d{0,2}市)?(?:[A-Z]\d{1,2}[区县])?"
_PLACE_SUFFIX = (
    "小区|花园|家园|公寓|大厦|广场|社区|新村|村|镇|乡|街道|大道|路|街|巷|桥|公园|中学|小学|"
    "幼儿园|学校|大学|学院|医院|卫生院|市场|商场|地铁站|火车站|汽车站|工业园|产业园|园区|"
    "苑|府|湾|城"
)
# Names are unbounded runs of hanzi; stop them at punctuation and at function characters
# that rarely occur inside a place name, so "投诉XX小区" does not swallow the verb.
_NAME_CHAR = r"[^\sA-Za-z0-9，。、；：,.;:!！?？（）()“”\"'《》【】\[\]的了在和与对是请问于被把将有无没不为给从向到这那而个整该此其各每]"
# Words that sit between a complaint and a place ("影响新领地小区"); they are cut out
# before matching so that they cannot become the start of a name.
_PLACE_BREAKERS = re.compile(
    "影响|严重|污染|附近|周边|旁边|门口|对面|导致|造成|存在|扰民|噪音|油烟|违规|违法|"
    "要求|建议|反映|举报|投诉|咨询|关于|希望|恳请|强烈|位于|清理|严查|公开|整治|拆迁|"
    "施工|建设|问题|垃圾|车位|开发商|物业|业主|居民|小孩|学生|家长"
)
_PLACE = re.compile(
    rf"(?P<admin>{_ADMIN})(?P<name>{_NAME_CHAR}{{1,8}}?(?:{_PLACE_SUFFIX})(?:小区|社区|园区)?)"
)
_LEADING_FILLER = re.compile(
    r"^(?:关于|举报|投诉|反映|建议|咨询|要求|希望|恳请|强烈|位于|请|对|就)+"
)
_GENERIC_PLACES = word_set(
    """
    政府 市政府 区政府 县政府 省政府 城市 县城 进城 全城 农村 城乡 乡村 马路 道路 公路 街道 小区 社区 学校 医院
    大学 市场 公园 本村 我村 该村 该小区 本小区 我小区 新城 老城 河 湖 城 村 镇 乡
    """
)

_jieba_lock = threading.Lock()
_jieba: Any = None


def normalize(text: str | None) -> str:
    """Fold widths (NFKC), lower-case, mask noise tokens and collapse whitespace."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _MASKED.sub(" ", text)
    text = _DIGITS.sub("0", text)
    return _WHITESPACE.sub(" ", text).strip().lower()


def _get_jieba() -> Any:
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                # jieba 0.42 imports pkg_resources, which recent setuptools flags with a
                # deprecation warning on every process start.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", category=UserWarning)
                    warnings.simplefilter("ignore", category=DeprecationWarning)
                    import jieba

                # jieba prints "Building prefix dict ..." at INFO on first use.
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


# Titles get segmented more than once (document frequency, then cluster keywords);
# caching short strings saves re-running jieba's DAG search on them.
@lru_cache(maxsize=4096)
def _cut_cached(text: str) -> tuple[str, ...]:
    return tuple(_get_jieba().lcut(text))


def tokenize(text: str | None, *, keep_stopwords: bool = False) -> list[str]:
    """Word tokens from jieba, without punctuation and (by default) stopwords."""
    normalized = normalize(text)
    if not normalized:
        return []
    pieces = _cut_cached(normalized) if len(normalized) < 512 else _get_jieba().lcut(normalized)
    return [
        piece
        for piece in pieces
        if _TOKEN_KEEP.search(piece) and (keep_stopwords or piece not in STOPWORDS)
    ]


def join_title_text(title: str | None, text: str | None, *, title_repeat: int = 1) -> str:
    """One document from title and body; repeating the title weights it in bag models."""
    title = (title or "").strip()
    body = (text or "").strip()
    if not title:
        return body
    return "\n".join([title] * max(title_repeat, 1) + [body])


def extract_places(text: str | None) -> list[str]:
    """Specific place names such as "A市A3区柏家塘小区" or "万家丽北路", in text order.

    A bare district ("A3区") is not returned: it is too coarse to tie two messages together.
    """
    if not text:
        return []
    found: list[str] = []
    cleaned = _PLACE_BREAKERS.sub("，", unicodedata.normalize("NFKC", text))
    for match in _PLACE.finditer(cleaned):
        name = _LEADING_FILLER.sub("", match.group("name"))
        if len(name) < 3 and not match.group("admin"):
            continue
        if name in _GENERIC_PLACES or name.endswith("政府") or name[0] in "省市区县":
            continue
        place = match.group("admin") + name
        if place not in found:
            found.append(place)
    return found


def place_key(place: str) -> str:
    """The specific part of a place, without the administrative prefix, for matching."""
    return re.sub(rf"^{_ADMIN}", "", unicodedata.normalize("NFKC", place)).strip()


_TRAILING_SUFFIX = re.compile(rf"(?:{_PLACE_SUFFIX}|小区|社区|园区|\d+[栋号期])+$")
_STEM_MIN = 3


def place_tokens(place: str) -> frozenset[str]:
    """Tokens that two names of one place share: the character trigrams of the name
    without its kind ("绿地海外滩小区" and "绿地海外滩二期小区" share "绿地海"; "魅力之城小区"
    and "丽发新城小区" share nothing), plus the stem's last two characters with the kind's
    first ("星沙四区凉塘路" and "星沙凉塘路" share "凉塘路"); a stem shorter than three
    characters is its own token."""
    key = place_key(place)
    stem = _TRAILING_SUFFIX.sub("", key) or key
    if len(stem) < _STEM_MIN:
        return frozenset({stem}) if stem else frozenset()
    tokens = {stem[i : i + _STEM_MIN] for i in range(len(stem) - _STEM_MIN + 1)}
    if len(key) > len(stem):
        tokens.add(stem[-2:] + key[len(stem)])
    return frozenset(tokens)
