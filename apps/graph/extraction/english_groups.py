# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""English patterns for groups: member_of, with the office held in one as has_role (see
english_rules)."""

from __future__ import annotations

import re

from apps.graph.extraction.english_words import (
    ADV,
    BE,
    ENT,
    GROUP,
    GROUP_WORDS,
    HAVE,
    NAME,
    OFFICER,
    PERSON,
    SUBJ,
    Rule,
    gated,
)

# "a member of the local chapter of X": a member of X
_CHAPTER = (
    r"(?:the |our |my )?(?:local |regional |state |national |[A-Z]\w+ )?(?:chapter|branch) of "
)
# "we", "my wife and I", "me and my friends": the speaker among others
_WE_ALL = rf"(?:\b[Ww]e|\b[Mm]y \w+ and I|\b[Mm]e and my \w+|\b{PERSON} and I)(?:'re| are)"

# (pattern, predicate, confidence); groups: s (subject), o (the group), r (an office in it).
GROUPS: list[Rule] = [
    (
        gated(
            rf"{SUBJ}(?:{BE}|{HAVE} been) {ADV}(?:(?:a|an) (?:[\w-]+ ){{0,3}}?and )?(?:a |an )?(?:[\w-]+ ){{0,2}}members? of (?:{_CHAPTER})?(?P<o>{GROUP}|{ENT})",
            "member",
        ),
        "member_of",
        0.85,
    ),
    (
        gated(
            rf"{_WE_ALL} {ADV}(?:\w+ ){{0,2}}members of (?:{_CHAPTER})?(?P<o>{GROUP}|{ENT})",
            "members",
        ),
        "member_of",
        0.8,
    ),
    # "I'm the treasurer of the garden club", "I serve as captain of the Hawks": role and group
    (
        gated(
            rf"{SUBJ}(?:{BE}|{HAVE} been| {ADV}serves?| {ADV}serving| {ADV}acts?|(?: was| were|{HAVE} been| got| just got)? {ADV}(?:elected|appointed|voted in|named)) {ADV}(?:as )?(?:the |a |an )?(?P<r>{OFFICER})(?: of| for) (?P<o>{GROUP}|(?:the )?{NAME})",
            "president",
            "treasurer",
            "secretary",
            "chair",
            "captain",
            "trustee",
            "board member",
            "organi",
            "leader",
            "coordinator",
        ),
        "member_of",
        0.75,
    ),
    # "I'm on the board of the Red Cross", "I serve on the school board"
    (
        gated(
            rf"{SUBJ}{BE}?{HAVE}? {ADV}(?:been |sit |sits |sitting |serve |serves |serving )?on the (?:[\w'-]+ ){{0,2}}?board(?: of (?:directors|trustees|governors))? (?:of|at|for) (?P<o>{ENT}|{GROUP})",
            "board",
        ),
        "member_of",
        0.75,
    ),
    (
        gated(
            rf"{SUBJ}{BE}?{HAVE}? {ADV}(?:been |sit |sits |sitting |serve |serves |serving )?on the (?P<o>(?:school|city|county|library|hospital|museum|advisory|editorial|HOA|condo|co-op|parish|zoning|planning|town|village|state) board)\b(?! of)",
            "board",
        ),
        "member_of",
        0.75,
    ),
    (
        re.compile(
            rf"{SUBJ}{BE}? {ADV}(?:belong|belongs|play|plays|sing|sings|playing|singing|volunteer|volunteers|row|rows|dance|dances|run|runs|drum|drums|perform|performs|serve|serves|serving)(?: \w+)? (?:to|in|on|for|with) (?P<o>{GROUP})"
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
    (
        re.compile(rf"{SUBJ}(?:{BE}|{HAVE} been) {ADV}(?:on|in|part of|with) (?P<o>{GROUP})"),
        "member_of",
        0.75,
    ),
    (
        gated(rf"{_WE_ALL} {ADV}(?:on|in|part of) (?P<o>{GROUP})", " are ", "'re "),
        "member_of",
        0.7,
    ),
    # "I'm a bass player in a cover band", "a reservist in the Army", "the drummer of a band"
    (
        re.compile(
            rf"{SUBJ}{BE} {ADV}(?:a|an|the) (?:[\w-]+ ){{0,2}}(?:player|singer|vocalist|drummer|guitarist|bassist|pianist|keyboardist|violinist|cellist|trumpeter|saxophonist|dancer|soprano|alto|tenor|baritone|reservist|soldier|sailor|officer|medic|chaplain|volunteer|sergeant|corporal|lieutenant|airman|seaman) (?:in|of|with|for) (?P<o>{GROUP})"
        ),
        "member_of",
        0.7,
    ),
    # "we belong to Temple Beth El", "our family belongs to the country club"
    (
        gated(
            rf"(?:{SUBJ}|\b[Ww]e|\b[Oo]ur family|\b[Mm]y family) {ADV}(?:belong|belongs) to (?P<o>{ENT}|{GROUP})",
            "belong",
        ),
        "member_of",
        0.75,
    ),
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?:a part of|part of|involved with|involved in|active in|active with) (?P<o>{GROUP}|(?:the )?{NAME})",
            "part of",
            "involved",
            "active",
        ),
        "member_of",
        0.7,
    ),
    (gated(rf"{SUBJ}{HAVE}? {ADV}joined (?P<o>{GROUP})", "joined"), "member_of", 0.75),
    (
        gated(rf"{SUBJ}(?:{BE}|{HAVE} been) (?:a |an )?(?P<o>{NAME}) member\b", "member"),
        "member_of",
        0.7,
    ),
    # "I'm a union member", "a proud church member"; a team or crew member is staff, not a member
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?:a |an )?(?:proud |longtime |long-time |active |card-carrying )?(?P<o>(?:[a-z]+ )?(?!team\b|crew\b)(?:{GROUP_WORDS})) member\b",
            "member",
        ),
        "member_of",
        0.7,
    ),
]
