# ruff: noqa: E501  (regular expressions: a pattern reads best on one line)
"""English kinship, pet and marriage mentions (see english): their triples, and the clause with
each named mention replaced by the name."""

from __future__ import annotations

import re

from apps.graph.extraction import english_words as t
from apps.graph.extraction.triple import USER, Context, Found

# --- kinship --------------------------------------------------------------------------------

_NAME = rf"(?P<name>{t.PERSON}(?:(?:, | and ){t.PERSON})*)"
_KIN_PATTERNS = [
    # my daughter Emma / my best friend, Tom, / my dog named Max / my wife's name is Anna
    rf"\b(?:[Mm]y|[Oo]ur) {t.ADJ}(?P<kin>{t.ANY_KIN})(?:'s name is|,)? (?:(?:is )?(?:named|called) )?{_NAME}\b",
    # Emma is my daughter / Tom, my best friend,
    rf"\b{_NAME}(?:,| is| was| are) (?:my|our) {t.ADJ}(?P<kin>{t.ANY_KIN})\b",
    # I have a daughter named Emma / we adopted a cat called Luna / I have a dog, Max
    rf"\b(?:I|[Ww]e)(?: also)? (?:have|'ve got|have got|got|adopted|own|rescued|brought home|had) "
    rf"(?:a|an|one|two|three|\d+)? ?{t.ADJ}(?P<kin>{t.KIN_ALT})(?:s)?(?: named| called|,(?: (?:his|her|its|their) names? (?:is|are))?) {_NAME}\b",
]
_KIN_RES = [re.compile(p) for p in _KIN_PATTERNS]
_MARRIED = [
    re.compile(p)
    for p in (
        rf"\bI(?:'m| am| got| have been|'ve been| was| got happily)? (?:happily )?married to {_NAME}\b",
        rf"\b{_NAME} and I (?:are|got|have been|'ve been) (?:happily )?married\b",
        rf"\bI married {_NAME}\b",
    )
]
_THEY_MARRIED = re.compile(
    rf"\b(?P<a>{t.PERSON}) (?:just |recently )?(?:is|got|has been) (?:happily )?married to (?:(?:his|her) (?:boyfriend|girlfriend|partner|fianc[eé]e?) )?(?P<b>{t.PERSON})\b|\b(?P<c>{t.PERSON}) and (?P<d>{t.PERSON}) (?:are|got) (?:happily )?married\b"
)
_AND_I_ARE = re.compile(
    rf"\b(?P<name>{t.PERSON}) and I are (?:best |good |close |old |childhood |lifelong )?(?P<what>friends|siblings|brothers|sisters|twins|buddies|besties)\b"
)
_THIRD_KIN = re.compile(
    rf"\b(?P<a>{t.PERSON})'s? {t.ADJ}(?P<kin>{t.ANY_KIN})(?:,)? (?:(?:is )?(?:named|called) )?(?P<b>{t.PERSON})\b"
)
_IS_THIRD_KIN = re.compile(
    rf"\b(?P<b>{t.PERSON}) (?:is|was) (?P<a>{t.PERSON})'s? {t.ADJ}(?P<kin>{t.ANY_KIN})\b"
)
_HAS_PET = re.compile(
    rf"\b(?P<a>{t.PERSON}|[Hh]e|[Ss]he) {t.ADV}(?:has|owns|adopted|got|rescued) (?:a|an|one|two) {t.ADJ}(?P<kin>{t.KIN_ALT})(?: named| called|,) (?P<b>{t.PERSON})\b"
)
_POSSESSIVE = re.compile(
    rf"\b(?:his|her|[Hh]is|[Hh]er) {t.ADJ}(?P<kin>{t.ANY_KIN}),? (?P<b>{t.PERSON})\b"
)
_INVERSE = {"parent_of": "child_of", "child_of": "parent_of"}
NOT_NAMES = frozenset(
    """is was and the a an who that lives works loves likes has i my he she it they we you just
    also really still now today yesterday last this mr mrs ms dr monday tuesday wednesday
    thursday friday saturday sunday january february march april june july august september
    october november december christmas god english chinese both too and lives""".split()
)


def _names(raw: str) -> list[str]:
    return [n for n in re.split(r", | and ", raw) if n and n.split()[0].lower() not in NOT_NAMES]


def kinship(clause: str, ctx: Context) -> tuple[str, list[Found]]:
    """Kinship, pet and marriage mentions: their triples, and the clause with each named
    mention replaced by the name ("my friend Tom works at Apple" -> "Tom works at Apple")."""
    found: list[Found] = []
    text = clause
    for pattern in _KIN_RES:
        for match in pattern.finditer(clause):
            names = _names(match.group("name"))
            kin = match.group("kin").lower()
            predicate = t.KIN_WORDS.get(kin, "")
            for name in names:
                if predicate != "owns":
                    ctx.person(name)
                if predicate:
                    kind = "Thing" if predicate == "owns" else "Person"
                    found.append((USER, "Person", predicate, name, kind, 0.85))
            if names:
                ctx.pair = tuple(names) if len(names) > 1 else ctx.pair
                text = text.replace(match.group(0), " and ".join(names), 1)
    for pattern, swap in ((_THIRD_KIN, False), (_IS_THIRD_KIN, True), (_POSSESSIVE, False)):
        for match in pattern.finditer(text):
            a = match.groupdict().get("a") or ctx.last_person
            b, kin = match.group("b"), match.group("kin").lower()
            predicate = t.KIN_WORDS.get(kin, "")
            if not a or a in {"I", "My", "my"} or b.split()[0].lower() in NOT_NAMES:
                continue
            if predicate and predicate != "owns":
                subject, obj = (b, a) if swap else (a, b)
                found.append(
                    (
                        subject,
                        "Person",
                        _INVERSE.get(predicate, predicate) if swap else predicate,
                        obj,
                        "Person",
                        0.8,
                    )
                )
            ctx.persons.update({a, b})
            ctx.last_person = b
            if not swap:
                text = text.replace(match.group(0), b, 1)
    for match in _HAS_PET.finditer(text):
        owner = match.group("a")
        owner = ctx.last_person if owner.lower() in {"he", "she"} else owner
        if owner:
            found.append((owner, "Person", "owns", match.group("b"), "Thing", 0.8))
    for pattern in _MARRIED:
        for match in pattern.finditer(text):
            for name in _names(match.group("name")):
                ctx.person(name)
                found.append((USER, "Person", "married_to", name, "Person", 0.85))
    for match in _THEY_MARRIED.finditer(text):
        a, b = match.group("a") or match.group("c"), match.group("b") or match.group("d")
        if a.split()[0].lower() not in NOT_NAMES and a not in {"I"}:
            ctx.persons.update({a, b})
            ctx.pair = (a, b)
            found.append((a, "Person", "married_to", b, "Person", 0.8))
    for match in _AND_I_ARE.finditer(text):
        predicate = (
            "friend_of"
            if match.group("what") in {"friends", "buddies", "besties"}
            else "sibling_of"
        )
        ctx.person(match.group("name"))
        found.append((USER, "Person", predicate, match.group("name"), "Person", 0.8))
    return text, found
