# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""English patterns for work: works_at and has_role (see english_rules)."""

from __future__ import annotations

import re

from apps.graph.extraction.english_words import (
    ADV,
    AT_JOB,
    BE,
    DEPT,
    ENT,
    HAVE,
    NAME,
    OCC_ALT,
    PERSON,
    ROLE,
    SUBJ,
    Rule,
    gated,
)

# (pattern, predicate, confidence); groups: s (subject, absent for USER-only patterns), o (the
# object), r (a role that comes with a works_at or a member_of).
WORK: list[Rule] = [
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
            rf"{SUBJ}{HAVE}? {ADV}(?:been working|worked|been|been employed) (?:at|for|with) (?P<o>{ENT}) (?:since|for (?:the )?(?:past |last )?(?:about |almost |over |nearly |like )?\w+ (?:years?|months?|yrs?|mos?))\b"
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
        re.compile(
            rf"{SUBJ}{BE} {ADV}(?:a|an|the) (?P<r>{ROLE}) (?:at|for|with|of) (?P<o>(?:the )?{NAME})"
        ),
        "works_at",
        0.8,
    ),
    # "I'm head of marketing at Acme", "she's VP of Sales for Initech"
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?:the )?(?P<r>{DEPT}) (?:at|for|with) (?P<o>(?:the )?{NAME})",
            " of ",
        ),
        "works_at",
        0.75,
    ),
    # "I'm co-founder of Tandem Labs", "she's CEO at Loom": a company's officer without an article
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?P<r>(?:co-?)?founder|CEO|CTO|CFO|COO|CMO|CIO|owner|managing director|general manager) (?:of|at) (?P<o>{NAME})",
            "founder",
            "CEO",
            "CTO",
            "CFO",
            "COO",
            "CMO",
            "CIO",
            "owner",
            "managing director",
            "general manager",
        ),
        "works_at",
        0.75,
    ),
    # "I'm on the marketing team at HubSpot"
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?:on|in) (?:the|a) (?:[\w-]+ ){{1,3}}(?:team|group|department) (?:at|for) (?P<o>{NAME})",
            "team",
            "group",
            "department",
        ),
        "works_at",
        0.7,
    ),
    # "I'm a partner at McKinsey", "I'm a server at Olive Garden"
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?:a|an|the) (?P<r>{AT_JOB}) (?:at|with) (?P<o>(?:the )?{NAME})",
            "partner",
            "associate",
            "resident",
            "fellow",
            "server",
            "host",
            "rep",
            "agent",
        ),
        "works_at",
        0.7,
    ),
    # "I moved to Austin for a new job at Dell"
    (
        gated(rf"{SUBJ}\b.*?\bfor (?:a|my) new job (?:at|with) (?P<o>{NAME})", "new job"),
        "works_at",
        0.7,
    ),
    # "I got a job as a cashier at Walmart", "I just started as a junior developer at Shopify"
    (
        gated(
            rf"{SUBJ}{HAVE}? {ADV}(?:got|took|landed|found|started|start|starting|have|has)(?: a| my| the)?(?: new| first| full-time| part-time| summer)? (?:job|position|role|gig|internship|work|working|there)? ?as (?:a|an|the) (?P<r>{ROLE}) (?:at|for|with) (?P<o>(?:the )?{NAME})",
            " as ",
        ),
        "works_at",
        0.75,
    ),
    (re.compile(rf"{SUBJ}{BE} {ADV}(?P<o>{NAME})'s (?P<r>{ROLE})\b"), "works_at", 0.75),
    (
        gated(
            rf"{SUBJ}{BE}?{HAVE}? {ADV}(?:works?|working|been working) as (?:a |an |the )?(?P<r>[\w -]+?) (?:at|for|with|in) (?P<o>(?:the )?{NAME})",
            " as ",
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
        gated(
            rf"{SUBJ}\b.*\b(?:job|jobs|position|role|gig|internship)\b.*? as (?:a|an) (?P<o>{ROLE})\b",
            " as ",
        ),
        "has_role",
        0.7,
    ),
    # (a department title, "the director of operations", is read whole below)
    (
        re.compile(
            rf"{SUBJ}(?:{BE}|{HAVE} been) {ADV}(?:(?:a|an) [\w-]+ and )?(?:a|an|the) (?!{DEPT})(?P<o>{ROLE})\b"
        ),
        "has_role",
        0.8,
    ),
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?:a|an|the) (?P<o>{AT_JOB}) (?:at|with|for) (?:a|an|the) ",
            "partner",
            "associate",
            "resident",
            "fellow",
            "server",
            "host",
            "rep",
            "agent",
        ),
        "has_role",
        0.7,
    ),
    # "I've been at Microsoft for six years as a PM"
    (
        gated(
            rf"{SUBJ}{HAVE} {ADV}been (?:at|with) {ENT}(?: [\w-]+){{0,6}} as (?:a|an|the) (?P<o>{ROLE})\b",
            " as ",
        ),
        "has_role",
        0.75,
    ),
    # "As a nurse, I ...": the clause before the speaker's own
    (gated(rf"^As (?:a|an) (?P<o>{ROLE})$", "As a"), "has_role", 0.7),
    # "I just became a nurse", "she's become a partner" (a job word only)
    (
        gated(
            rf"{SUBJ}(?:{HAVE})? {ADV}(?:became|become) (?:a|an|the) (?P<o>{ROLE})\b",
            "became",
            "become",
        ),
        "has_role",
        0.75,
    ),
    # "I'm head of marketing", "I'm CEO of Brightline": a title without an article
    (
        gated(rf"{SUBJ}{BE} {ADV}(?:the )?(?P<o>{DEPT})(?= (?:at|for|with)\b|[,.!;]|$)", " of "),
        "has_role",
        0.75,
    ),
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?!{DEPT})(?P<o>CEO|CTO|CFO|COO|CMO|CIO|VP|SVP|EVP|head chef|sous chef)\b",
            "CEO",
            "CTO",
            "CFO",
            "COO",
            "CMO",
            "CIO",
            "VP",
            "head chef",
            "sous chef",
        ),
        "has_role",
        0.75,
    ),
    # "my husband Tom, a pilot, ...": a role in apposition to a name
    (
        gated(rf"\b(?P<s>{PERSON}), (?:a|an) (?P<o>{ROLE})(?=,|$)", ", a"),
        "has_role",
        0.7,
    ),
    (
        gated(
            rf"{SUBJ}{BE}?{HAVE}? {ADV}(?:works?|working|been working|(?<='ve )worked|(?<= have )worked|(?<= has )worked)(?: nights| days| weekends| evenings| part[- ]time| full[- ]time)? as (?:a |an |the )?(?P<o>[\w -]+)",
            " as ",
        ),
        "has_role",
        0.8,
    ),
    (
        gated(
            rf"{SUBJ}{BE}?{HAVE}? {ADV}(?:works?|working|been working) (?:at|for|with) {ENT}(?: \w+){{0,4}} as (?:a |an |the )?(?P<o>[\w -]+)",
            " as ",
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
        gated(
            rf"{SUBJ}{HAVE}? (?:just )?(?:been |got |gotten )?promoted to (?:a |an |the )?(?P<o>[\w -]+)",
            "promoted",
        ),
        "has_role",
        0.75,
    ),
    (
        gated(
            rf"\b(?:[Mm]y) (?:job|profession|occupation|position|role|day job) is (?:a |an |the )?(?P<o>{ROLE})\b",
            "job",
            "profession",
            "occupation",
            "position",
            "role",
        ),
        "has_role",
        0.75,
    ),
    (
        gated(r"\b(?:[Mm]y) (?:job )?title is (?:a |an |the )?(?P<o>[\w -]+)", "title is"),
        "has_role",
        0.75,
    ),
    (
        gated(
            rf"{SUBJ}{BE} {ADV}(?:a |an )?(?P<o>(?:[a-z]+ ){{0,2}}(?:{OCC_ALT})) by (?:profession|trade)",
            " by ",
        ),
        "has_role",
        0.8,
    ),
]
