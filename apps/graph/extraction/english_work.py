# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""English patterns for work and groups: works_at, has_role, member_of (see english_rules)."""

from __future__ import annotations

import re

from apps.graph.extraction.english_words import (
    ADV,
    BE,
    ENT,
    GROUP,
    HAVE,
    NAME,
    OCC_ALT,
    ROLE,
    SUBJ,
)

# (pattern, predicate, confidence); groups: s (subject, absent for USER-only patterns), o (the
# object), r (a role that comes with a works_at).
WORK: list[tuple[re.Pattern[str], str, float]] = [
    # works_at
    (
        re.compile(
            rf"{SUBJ}{BE}? {ADV}(?:work|works|working|employed|interning|an intern|am employed|is employed)(?: remotely| full[- ]time| part[- ]time| there| now| currently)? (?:at|for|by|with|in) (?P<o>{ENT})"
        ),
        "works_at",
        0.85,
    ),
    (
        re.compile(
            rf"{SUBJ}{HAVE}? {ADV}(?:been working|worked|been|been employed) (?:at|for|with) (?P<o>{ENT}) (?:since|for (?:the )?(?:past|last)?\s?\w+ (?:years?|months?))\b"
        ),
        "works_at",
        0.8,
    ),
    (
        re.compile(
            rf"{SUBJ}{HAVE}? {ADV}(?:joined|got a job (?:at|with)|got hired (?:at|by)|took a job (?:at|with)|landed a job (?:at|with)|started (?:a new job |working )?at) (?P<o>{NAME})"
        ),
        "works_at",
        0.8,
    ),
    (
        re.compile(rf"{SUBJ}{BE} {ADV}(?:a|an|the) (?P<r>{ROLE}) (?:at|for|with|of) (?P<o>{NAME})"),
        "works_at",
        0.8,
    ),
    (re.compile(rf"{SUBJ}{BE} {ADV}(?P<o>{NAME})'s (?P<r>{ROLE})\b"), "works_at", 0.75),
    (
        re.compile(
            rf"{SUBJ}{BE}?{HAVE}? {ADV}(?:works?|working|been working) as (?:a |an |the )?(?P<r>[\w -]+?) (?:at|for|with|in) (?P<o>{NAME})"
        ),
        "works_at",
        0.8,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE} {ADV}(?:a |an )?(?P<o>{NAME}) (?P<r>{ROLE})\b(?! (?:at|for|with|of)\b)"
        ),
        "works_at",
        0.7,
    ),
    (
        re.compile(rf"^{SUBJ}{BE} {ADV}(?:at|with) (?P<o>{NAME})(?: now| these days| currently)?$"),
        "works_at",
        0.7,
    ),
    (
        re.compile(
            rf"\b[Mm]y (?:new |current )?(?:job|internship|position) (?:is )?(?:at|with) (?P<o>{NAME})"
        ),
        "works_at",
        0.7,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE}? {ADV}(?:work|works|working|intern|interns) in [a-z]+(?: [a-z]+)? (?:at|for) (?P<o>{NAME})"
        ),
        "works_at",
        0.75,
    ),
    # has_role
    (
        re.compile(
            rf"{SUBJ}\b.*\b(?:job|jobs|position|role|gig|internship)\b.*? as (?:a|an) (?P<o>{ROLE})\b"
        ),
        "has_role",
        0.7,
    ),
    (re.compile(rf"{SUBJ}(?:{BE}|{HAVE} been) {ADV}(?:a|an|the) (?P<o>{ROLE})\b"), "has_role", 0.8),
    (
        re.compile(
            rf"{SUBJ}{BE}?{HAVE}? {ADV}(?:works?|working|been working) as (?:a |an |the )?(?P<o>[\w -]+)"
        ),
        "has_role",
        0.8,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE}?{HAVE}? {ADV}(?:works?|working|been working) (?:at|for|with) {ENT}(?: \w+){{0,4}} as (?:a |an |the )?(?P<o>[\w -]+)"
        ),
        "has_role",
        0.8,
    ),
    (
        re.compile(
            rf"{SUBJ} {ADV}(?:teach|teaches|teaching|coach|coaches) (?:[\w-]+ ){{0,2}}(?:at|for) (?P<o>{ENT})"
        ),
        "works_at",
        0.75,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE}? {ADV}(?:volunteer|volunteers|volunteering) (?:with|for|at) (?P<o>{ENT})"
        ),
        "member_of",
        0.7,
    ),
    (
        re.compile(
            rf"{SUBJ}{HAVE}? (?:just )?(?:been |got |gotten )?promoted to (?:a |an |the )?(?P<o>[\w -]+)"
        ),
        "has_role",
        0.75,
    ),
    (
        re.compile(
            r"\b(?:[Mm]y) (?:job|profession|occupation|title|position|role) is (?:a |an |the )?(?P<o>[\w -]+)"
        ),
        "has_role",
        0.75,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE} {ADV}(?:a |an )?(?P<o>(?:[a-z]+ ){{0,2}}(?:{OCC_ALT})) by (?:profession|trade)"
        ),
        "has_role",
        0.8,
    ),
]

GROUPS: list[tuple[re.Pattern[str], str, float]] = [
    (
        re.compile(rf"{SUBJ}{BE} {ADV}(?:a |an )?(?:\w+ )?member of (?P<o>{ENT}|{GROUP})"),
        "member_of",
        0.85,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE}? {ADV}(?:belong|belongs|play|plays|sing|sings|playing|singing|volunteer|volunteers|row|rows|dance|dances|run|runs|drum|drums|perform|performs)(?: \w+)? (?:to|in|on|for|with) (?P<o>{GROUP})"
        ),
        "member_of",
        0.75,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE}? {ADV}(?:play|plays|playing) (?:\w+ )?(?:for|on|with) (?P<o>(?:the )?{NAME})"
        ),
        "member_of",
        0.7,
    ),
    (re.compile(rf"{SUBJ}{BE} {ADV}(?:on|in|part of|with) (?P<o>{GROUP})"), "member_of", 0.75),
    (re.compile(rf"{SUBJ}{HAVE}? {ADV}joined (?P<o>{GROUP})"), "member_of", 0.75),
    (re.compile(rf"{SUBJ}{BE} (?:a |an )?(?P<o>{NAME}) member\b"), "member_of", 0.7),
]
