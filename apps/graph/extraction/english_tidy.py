# ruff: noqa: E501  (regular expressions: a pattern reads best on one line)
"""Chat text tidied for the English rules (see english): emoji and fillers ("lol", "btw") out, a
lower-case "i"/"im" is "I"/"I'm", a sentence without a subject takes the speaker ("been working
at X"), and in chat-style text the word after a kinship word ("my sister anna") or after a place
or employer verb ("live in paris") is capitalised for the patterns (names are compared
case-blind)."""

from __future__ import annotations

import re

from apps.graph.extraction import english_words as t

_EMOJI = re.compile(r"[\U0001F000-\U0001FFFF\u2600-\u27BF\uFE0F\u200D]+|[:;]-?[()DPp]\B")
_FILLER = re.compile(
    r"\b(?:lol|lmao|haha+|hehe|btw|tbh|omg|ngl|fyi|imo|imho|idk|jk|ugh|yay|xD)\b[,!.]*\s*", re.I
)
_LOWER_I = [(re.compile(r"\bi'?m\b"), "I'm"), (re.compile(r"\bi'?ve\b"), "I've"),
            (re.compile(r"\bi\b"), "I")]  # fmt: skip
_STOPWORDS = frozenset(
    """a an the my our his her their this that these those it is was are were be been and or but
    so to of in on at for with from by as and also just really still now here there home work
    school college university job who which where when what how why very too lot bit some any
    all both each every no not one two three new old big little good great nice best first last
    next s t d ll m ve re has have had do does did will would can could should may might must
    lives live living works work working named called loves likes went goes love like i me we
    you he she they him them us up down out over about after before into onto than then remotely
    currently mostly together hard nights weekends full part time there since until ago today
    tonight tomorrow yesterday lately recently anymore though w""".split()
)
_CAP_KIN = re.compile(
    rf"\b((?:[Mm]y|[Hh]is|[Hh]er|[Oo]ur) {t.ADJ}(?:{t.ANY_KIN})s?,? (?:named |called )?|(?:his|her|its) name is )([a-z][\w'-]*)\b"
)
_CAP_PLACE = re.compile(
    r"\b((?:live|lives|living|lived|based|born|raised|moved|relocated|work|works|working|interning|"
    r"employed|joined|attend|attends|attended|graduated|studied|studies|study|studying|named|"
    r"called|married|engaged|member|fan|go|goes|going|went|teach|teaches|teaching|volunteer|"
    r"volunteers|nurse|doctor|engineer|teacher|developer|dev|manager|intern|student|at|from) "
    r"(?:back |here )?(?:in|at|for|from|to|by|of|with)? ?(?:the )?)([a-z][\w'&-]*)((?: [a-z][\w'&-]*)?(?: (?:elementary|high|school|university|college|"
    r"academy|hospital|clinic|inc|corp|club|team|bank|institute|center|centre|library))?)\b"
)


# "been working at X", "moved to Y last year": the speaker is the implied subject
_NO_SUBJECT = re.compile(
    r"^((?:just|recently|finally) )?(been|working|living|studying|moved|started|got|joined|graduated|married|grew|went|live|work)\b",
    re.I,
)
_IMPLIED = {"been": "I've", "working": "I'm", "living": "I'm", "studying": "I'm"} | dict.fromkeys(
    ("moved", "started", "got", "joined", "graduated", "married", "grew", "went", "live", "work"),
    "I",
)


def tidy(sentence: str) -> str:
    text = _FILLER.sub("", _EMOJI.sub(" ", sentence))
    for pattern, replacement in _LOWER_I:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    text = _NO_SUBJECT.sub(
        lambda m: (
            f"{_IMPLIED[m.group(2).lower()]} {(m.group(1) or '').lower()}{m.group(2).lower()}"
        ),
        text,
    )
    # chat style (starts in lower case, a lower-case "i", or no capital at all): names may have
    # lost their capital too
    casual = sentence.lstrip()[:1].islower() or re.search(r"\bi\b|\bim\b", sentence)
    if casual or not re.search(r"[A-Z]", re.sub(r"\bI\b|\bI'[a-z]+|^.", "", text)):
        text = _CAP_KIN.sub(_capitalise, text)
        text = _CAP_PLACE.sub(_capitalise, text)
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    return text


_OCC_WORDS = frozenset(t.OCC.split("|"))
_REGIONS = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming ontario quebec
    canada usa uk england scotland china japan germany france india australia""".split()
)


_INSTITUTION = re.compile(
    r"elementary|high|school|university|college|academy|hospital|clinic|inc|corp|club|team|bank|"
    r"institute|center|centre|library"
)


def _capitalise(match: re.Match[str]) -> str:
    lead, first = match.group(1), match.group(2)
    second = match.group(3) if match.lastindex and match.lastindex >= 3 else ""
    if first in _STOPWORDS or first in _OCC_WORDS:
        return match.group(0)
    if first in t.KIN_WORDS and not lead.endswith("name is "):
        return match.group(0)
    out = lead + first.capitalize()
    words = (second or "").split()
    if len(words) == 2 and _INSTITUTION.fullmatch(words[1]) and words[0] not in _STOPWORDS:
        return out + "".join(" " + w.capitalize() for w in words)  # "st marys hospital"
    if words and words[0] in _REGIONS:
        return out + (second or "")  # "portland oregon": the city alone, as "Portland, Oregon"
    if words and words[0] not in _STOPWORDS and not words[0].endswith(("ing", "ed", "s")):
        return out + "".join(" " + w.capitalize() for w in words)
    return out + (second or "")
