"""Shared text handling of the relation rules: width folding, traditional to simplified
Chinese, sentence and clause cutting, and the comparable form of a name.

`name_key` is the comparison the benchmark scores with (and what entity resolution may use):
NFKC (full-width letters and digits folded), traditional characters mapped to simplified with
OpenCC (the `opencc` package's t2s tables), casefolded, a leading English article and punctuation
stripped, whitespace collapsed. "The Google", "ＧＯＯＧＬＥ" and "google." are one key;
"臺北" and "台北" are one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{HAN}]")
_EMOJI = re.compile(r"[\U0001F000-\U0001FFFF\u2600-\u27BF\uFE0F\u200D]+")


@lru_cache(maxsize=1)
def _t2s():  # noqa: ANN202 - opencc has no type hints
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones (臺灣 -> 台湾); everything else unchanged.
    Text without a Han character is returned as it is (no call)."""
    return _t2s().convert(text) if _HAN.search(text) else text


def prepare(text: str) -> str:
    """The text the rules read: NFKC (full-width Latin and punctuation folded), simplified
    characters, typographic apostrophes as ASCII ones."""
    text = _EMOJI.sub(" ", unicodedata.normalize("NFKC", text))
    return to_simplified(text).replace("\u2019", "'").replace("\u2018", "'")


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_PUNCT = re.compile(r"[^\w\s&+#]")


def name_key(name: str) -> str:
    """The comparable form of an entity name (see the module docstring)."""
    key = prepare(name).casefold().strip()
    key = _PUNCT.sub(" ", key)
    key = _ARTICLE.sub("", " ".join(key.split()))
    return key.replace(" ", "") if has_han(key) else key


# --- sentences and clauses ----------------------------------------------------------------

_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "St", "Mt", "Prof", "Jr", "Sr", "[A-Z]")
_ABBREV = "".join(rf"(?<!\b{a}\.)" for a in _ABBREVIATIONS)
_SENTENCE = re.compile(rf"(?<=[。！？!?；;\n])|{_ABBREV}(?<=\.)(?=\s)")


def sentences(text: str) -> list[str]:
    """The text cut after sentence punctuation; each piece keeps its final mark (a question
    is known by its "?")."""
    return [piece.strip() for piece in _SENTENCE.split(text) if piece and piece.strip()]


def is_question(sentence: str) -> bool:
    return bool(re.search(r"[?？]\s*$", sentence))
