"""Keyword analysis for Chinese, English and mixed text.

Text is turned into lexemes here, in Python, and handed to PostgreSQL as a ready `tsvector`
literal (and queries as a `tsquery` literal). PostgreSQL's own parser is never used: it depends
on the server's locale and does not segment Chinese. Chinese runs are segmented with rjieba
(search mode, so `中华人民共和国` also yields `中华`, `共和国`), Latin words are lower-cased and
Snowball-stemmed, and stop words of both languages are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

import rjieba
import snowballstemmer

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_RUN = re.compile(rf"([{_CJK}]+)|([a-z0-9]+(?:'[a-z]+)?)")
_STEMMER = snowballstemmer.stemmer("english")
MAX_LEXEME = 64

EN_STOP = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further had hadn't has hasn't have haven't having he
    he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
    in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on
    once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
    should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those through to too under until up
    very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
    which while who who's whom why why's with won't would wouldn't you you'd you'll you're you've
    your yours yourself yourselves s t just also really did does yeah oh hey hi ok okay""".split()
)
ZH_STOP = frozenset(
    """的 了 是 在 和 就 都 而 及 与 着 或 一个 没有 我们 你们 他们
    她们 它们 这 那 这个 那个 之 也 吗 呢 吧 啊 呀 哦 嗯 么 什么
    怎么 哪 哪里 谁 为什么 如何 多少 几 把 被 给 让 对 从 向 到 于
    以 并 很 还 又 再 啦 哈 我 你 他 她 它 您""".split()
)


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def lexemes(text: str) -> list[str]:
    """The lexemes of `text`, in order (repeats kept, for term frequency)."""
    normal = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    out: list[str] = []
    for match in _RUN.finditer(normal):
        cjk, word = match.groups()
        if cjk:
            out.extend(t for t in rjieba.cut_for_search(cjk) if t not in ZH_STOP)
        elif word not in EN_STOP:
            out.append(_stem(word.split("'")[0]))
    return [lex[:MAX_LEXEME] for lex in out if lex]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(text: str) -> tuple[str, int]:
    """A tsvector literal with positions, and the document length in lexemes."""
    positions: dict[str, list[int]] = defaultdict(list)
    tokens = lexemes(text)
    for index, lexeme in enumerate(tokens[:16383], start=1):
        if len(positions[lexeme]) < 255:
            positions[lexeme].append(index)
    literal = " ".join(f"{_quote(lex)}:{','.join(map(str, pos))}" for lex, pos in positions.items())
    return literal, len(tokens)


def query_terms(text: str, limit: int = 32) -> list[str]:
    """Distinct lexemes of a query, in order of first appearance."""
    return list(dict.fromkeys(lexemes(text)))[:limit]


def tsquery_literal(terms: list[str]) -> str:
    """An OR query over the terms ('' when there are none)."""
    return " | ".join(_quote(t) for t in terms)


# --- repeated turns (issue 11): the same statement said again --------------------------------

_TRAILING = re.compile(r"[\s.!?。！？…~～,，;；:：、]+$")
_HAN = re.compile(rf"[{_CJK}]")


def turn_normal(text: str) -> str:
    """A turn's text after width folding (NFKC), lower case, one space for any run of whitespace
    and no trailing punctuation: "I'm allergic to peanuts." and "i’m  ALLERGIC to peanuts!" are
    one. (How a repeat is found: the same in SQL, apps.memories.services.turns.NORMAL_SQL.)"""
    normal = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    return _TRAILING.sub("", " ".join(normal.split()))


def is_statement(text: str) -> bool:
    """A turn that says something, rather than "ok", "yes", "thanks!", "哈哈哈" or "好的好的":
    three words at least, CJK characters counting two thirds of a word each and a repeated one
    only once ("我喜欢草莓" is a statement, "好的谢谢" and "哈哈哈哈" are not)."""
    normal = turn_normal(text)
    han = set(_HAN.findall(normal))
    words = [w for w in _HAN.sub(" ", normal).split() if any(c.isalnum() for c in w)]
    return len(words) + len(han) / 1.5 >= 3
