# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""English patterns for places, schools, tastes and things: lives_in, born_in, studied_at,
likes, owns, located_in (see english_rules)."""

from __future__ import annotations

import re

from apps.graph.extraction.english_words import ADV, BE, ENT, HAVE, NAME, OCC_ALT, SUBJ, WE

HOME: list[tuple[re.Pattern[str], str, float]] = [
    (
        re.compile(
            rf"{WE} {ADV}(?:live|reside|are living|are based|'re living|'re based) in (?P<o>{ENT})"
        ),
        "lives_in",
        0.75,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE}? {ADV}(?:live|lives|living|reside|resides|residing|based|settled|located) (?:in|at|out of) (?P<o>{ENT})"
        ),
        "lives_in",
        0.85,
    ),
    (
        re.compile(
            rf"{SUBJ}{HAVE}? {ADV}(?:been living|lived|been based) (?:in|out of) (?P<o>{ENT}) (?:since|for)\b"
        ),
        "lives_in",
        0.8,
    ),
    (
        re.compile(
            rf"{SUBJ}{HAVE}? {ADV}(?:moved|relocated) (?:back |over |here |out )?(?:to|into) (?P<o>{ENT})"
        ),
        "lives_in",
        0.75,
    ),
    (re.compile(rf"\b[Mm]y home(?:town)? is (?:in )?(?P<o>{ENT})"), "lives_in", 0.7),
    (re.compile(rf"{SUBJ}{BE} (?:a )?(?:local|resident) (?:in|of) (?P<o>{ENT})"), "lives_in", 0.7),
    (
        re.compile(
            rf"{SUBJ}{BE} {ADV}(?:a |an )?(?:[\w-]+ ){{0,3}}(?:{OCC_ALT})s? (?:based |living )?in (?P<o>{ENT})"
        ),
        "lives_in",
        0.75,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE} {ADV}(?:a |an )?(?:[\w-]+ ){{0,3}}(?:{OCC_ALT})s? (?:at|for|with) (?:{ENT}|(?:a|an) (?:(?!(?:in|at|for|with|of|and)\b)[\w-]+ ){{0,3}}[a-z][\w-]*) (?:in) (?P<o>{ENT})"
        ),
        "lives_in",
        0.6,
    ),
    # born_in
    (
        re.compile(
            rf"{SUBJ}(?: was| were|'m| am)? {ADV}born (?:and raised |and bred )?in (?P<o>{ENT})"
        ),
        "born_in",
        0.9,
    ),
    (re.compile(rf"\b[Mm]y (?:birthplace|place of birth) is (?P<o>{ENT})"), "born_in", 0.85),
    # studied_at
    (
        re.compile(
            rf"{SUBJ}{BE}? {ADV}(?:studied|study|studies|studying|majored in [\w ]+? at|majoring in [\w ]+? at|(?:did|doing) (?:my|his|her|a) [\w' ]+? at|go to|goes to|going to|went to|graduated from|graduate of|grad of|attended|attend|attends|attending|enrolled at|enrolled in|am at|is at|in (?:my|his|her) \w+ year at) (?:at )?(?P<o>{ENT})"
        ),
        "studied_at",
        0.85,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE} {ADV}(?:a|an) (?:[\w-]+ ){{0,3}}(?:student|freshman|sophomore|junior|senior|alumnus|alumna|alum|graduate|grad|undergrad|postdoc|phd candidate) (?:at|of|from|in) (?P<o>{ENT})"
        ),
        "studied_at",
        0.8,
    ),
    (
        re.compile(
            rf"{SUBJ} (?:got|earned|received|did|finished) (?:my|his|her|a|an) (?![\w' ]*\b(?:job|position|role|gig|offer|promotion|raise|shift|contract)\b)[\w' ]+? (?:from|at) (?P<o>{ENT})"
        ),
        "studied_at",
        0.8,
    ),
]

TASTES: list[tuple[re.Pattern[str], str, float]] = [
    (
        re.compile(
            rf"{SUBJ} {ADV}(?:really |absolutely |totally )?(?:like|likes|love|loves|enjoy|enjoys|adore|adores|dig|digs) (?!to\b|it\b|my\b|our\b|that\b|this\b|them\b|you\b|him\b|her\b|my job\b|working\b|living\b|being\b|when\b|how\b|the fact\b)(?P<o>[\w' -]+)"
        ),
        "likes",
        0.8,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE} {ADV}(?:a (?:huge |big |massive )?fan of|into|obsessed with|passionate about|crazy about|fond of|addicted to|hooked on|in love with) (?P<o>[\w' -]+)"
        ),
        "likes",
        0.75,
    ),
    (
        re.compile(r"\b[Mm]y (?:favou?rite|fave|fav) [\w ]+? (?:is|are) (?P<o>[\w' -]+)"),
        "likes",
        0.75,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE} (?:a |an )?(?:huge |big |massive |die-hard )?(?!(?:huge|big|massive|total|complete|real|such|bit|an?|the)\b)(?P<o>[\w ]+?) (?:fan|lover|enthusiast|nerd|junkie|addict)\b(?! of)"
        ),
        "likes",
        0.7,
    ),
    # owns
    (
        re.compile(
            rf"{SUBJ} {ADV}(?:own|owns|have|has|drive|drives|ride|rides|bought|got) (?:a|an|one|two|three|\d+) (?:new |used |old |red |black |white |blue |silver |grey |gray |little )?(?P<o>{NAME})"
        ),
        "owns",
        0.75,
    ),
    (
        re.compile(
            rf"{SUBJ} {ADV}(?:own|owns|have|has|bought|got|adopted|rescued) (?:a|an|one|two|three|\d+) (?P<o>(?:[a-z]+ ){{0,2}}(?:dog|cat|puppy|kitten|parrot|hamster|rabbit|bunny|horse|goldfish|turtle|tortoise|guinea pig|snake|lizard|ferret|pony|car|truck|bike|motorcycle|boat|house|apartment|condo|piano|guitar|laptop|camera|cabin|farm|ranch|van|scooter|drone|bakery|shop|store|cafe|restaurant|bar|business|company|studio|salon|boutique)s?)\b"
        ),
        "owns",
        0.7,
    ),
]

PLACES: list[tuple[re.Pattern[str], str, float]] = [
    (
        re.compile(
            rf"^(?:[Tt]he )?(?P<s>{NAME}) (?:is|are) (?:located|based|headquartered|situated|found) (?:in|out of) (?P<o>{ENT})"
        ),
        "located_in",
        0.85,
    ),
    (
        re.compile(
            rf"^(?:[Tt]he )?(?P<s>{NAME}),? (?:is|are) (?:in|a city in|a town in|a village in|the capital of|a country in|a state in|a province of|a province in|an island in|a suburb of|a neighborhood in|a neighbourhood in|a region of|a region in|part of) (?P<o>{ENT})"
        ),
        "located_in",
        0.7,
    ),
    (
        re.compile(
            rf"^(?:[Tt]he )?(?P<s>{NAME}) (?:has|have) (?:its|their) (?:headquarters|HQ|head office|main office|office|offices|campus) in (?P<o>{ENT})"
        ),
        "located_in",
        0.8,
    ),
    (
        re.compile(
            rf"^(?:[Tt]he )?(?P<s>{NAME})'s (?:headquarters|HQ|head office|main office|campus) (?:is|are) in (?P<o>{ENT})"
        ),
        "located_in",
        0.8,
    ),
]
