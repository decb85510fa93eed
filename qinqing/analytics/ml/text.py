"""Chinese text normalisation and tokenisation shared by the ML modules.

jieba is imported lazily because loading its dictionary takes about a second; callers
that only need character n-grams never pay for it.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
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

STOPWORDS: frozenset[str] = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "他们",
        "她",
        "它",
        "这",
        "那",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "就",
        "又",
        "还",
        "被",
        "把",
        "给",
        "对",
        "从",
        "向",
        "到",
        "为",
        "为了",
        "以",
        "之",
        "于",
        "而",
        "但",
        "但是",
        "并",
        "并且",
        "如果",
        "因为",
        "所以",
        "可以",
        "能",
        "能否",
        "会",
        "要",
        "有",
        "没有",
        "没",
        "不",
        "一个",
        "一些",
        "这个",
        "那个",
        "这些",
        "那些",
        "什么",
        "怎么",
        "如何",
        "为何",
        "请问",
        "请",
        "希望",
        "您好",
        "你好",
        "尊敬",
        "领导",
        "谢谢",
        "感谢",
        "问题",
        "情况",
        "相关",
        "部门",
        "有关",
        "现在",
        "目前",
        "已经",
        "一直",
        "今年",
        "去年",
        "很多",
        "非常",
        "十分",
        "进行",
        "反映",
        "关于",
        "尽快",
        "是否",
        "能不能",
        "啊",
        "吗",
        "呢",
        "吧",
        "呀",
        "哦",
        "嗯",
        "等",
        "等等",
        "其",
        "该",
        "此",
        "其中",
        "以及",
        "由于",
        "自己",
        "大家",
        "市民",
        "群众",
        "政府",
        "本人",
        "现",
        "已",
        "没人",
        "不能",
        "不是",
        "这样",
        "一下",
        "一样",
        "这种",
        "哪些",
        "多少",
        "时候",
        "情况下",
    ]
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
                import jieba

                # jieba prints "Building prefix dict ..." at INFO on first use.
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


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


def char_ngrams(text: str | None, n_min: int = 2, n_max: int = 3) -> list[str]:
    """Character n-grams of the normalised text, ignoring spaces and punctuation runs."""
    compact = "".join(ch for ch in normalize(text) if _TOKEN_KEEP.match(ch))
    grams: list[str] = []
    for n in range(n_min, n_max + 1):
        grams.extend(compact[i : i + n] for i in range(len(compact) - n + 1))
    return grams


def join_title_text(title: str | None, text: str | None, *, title_repeat: int = 1) -> str:
    """One document from title and body; repeating the title weights it in bag models."""
    title = (title or "").strip()
    body = (text or "").strip()
    if not title:
        return body
    return "\n".join([title] * max(title_repeat, 1) + [body])


def token_string(docs: Iterable[str]) -> list[str]:
    """Space-joined jieba tokens per document, for vectorizers with a whitespace analyzer."""
    return [" ".join(tokenize(doc)) for doc in docs]
