# ruff: noqa: E501  (regular expressions: a pattern reads best on one line)
"""English relation rules (the vocabulary is in english_words, the patterns in english_rules).

Chat text is tidied first (english_tidy: emoji and fillers out, "i"/"im" is "I"/"I'm", names
that lost their capital get it back for the patterns; names are compared case-blind). A sentence is cut into clauses at a conjunction that starts a new
statement ("I live in Paris but I work in Basel"); a clause without its own subject ("... and
lives in Rome") takes the one before it. A clause that asks, negates, plans, supposes, reports
someone's words or says something ended gives nothing. Kinship mentions come first: "my
daughter Emma" gives (USER, parent_of, Emma) and the mention then stands for Emma, so "My
friend Tom works at Apple" also gives (Tom, works_at, Apple); "Alice's son Ben" gives (Alice,
parent_of, Ben), "Ben is Alice's son" (Ben, child_of, Alice). "he"/"she" is the last person
named, "they" the last two named together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from apps.graph.extraction import english_words as t
from apps.graph.extraction.english_kinship import NOT_NAMES as _NOT_NAMES
from apps.graph.extraction.english_kinship import kinship
from apps.graph.extraction.english_rules import RULES
from apps.graph.extraction.english_tidy import tidy as tidy  # english.tidy: the callers' one door
from apps.graph.extraction.triple import OBJECT_TYPE, USER, Context, Found

# --- clauses --------------------------------------------------------------------------------

_SUBJECT_START = (rf"(?:I|I'm|I've|my|My|our|Our|we|We|he|she|He|She|they|They|{t.PERSON} (?:is|works|lives|was|has|"
                  r"loves|likes|owns|studied|studies|moved))\b")  # fmt: skip
_VERB_START = (r"(?:works?|lives?|living|moved|loves?|likes?|enjoys?|owns?|has|have|studied|"
               r"studies|graduated|is|am|was|joined|plays?|sings?|married|got|goes|go|teaches|"
               r"runs|attends|belongs|drives|born|living|based|raised|working|married|went|grew)\b")  # fmt: skip
_CONJ = re.compile(
    rf",?\s+(?:and|but|while|whereas|although|though|so|yet|plus|and also|and now|also)\s+(?:now |also |then |currently |these days )?"
    rf"(?={_SUBJECT_START}|{_VERB_START})|[,;:–—]\s+(?:and |but |so )?(?:now |then )?(?={_SUBJECT_START}|(?:born|living|based|raised|working|is|was|works|lives|went|grew|live|work) )|\s+-\s+"
)
_LEAD_SUBJECT = re.compile(
    rf"^(?:[Mm]y {t.ADJ}(?:{t.ANY_KIN}),? )?(?P<n>I|he|she|He|She|They|they|{t.PERSON})\b"
)


_WHO = re.compile(
    rf"\b({t.PERSON}),? who (?=(?:is|lives|works|studies|was|has|loves|likes|owns)\b)"
)


def clauses(sentence: str) -> list[str]:
    sentence = _WHO.sub(r"\1, \1 ", sentence)  # "Tom, who lives in Chicago, is ...": his own clause
    pieces: list[str] = []
    start = 0
    for match in _CONJ.finditer(sentence):
        left = sentence[start : match.start()]
        if len(left.split()) >= 2 and not re.search(r"\b(?:and|&)\s*$", left):
            pieces.append(left)
            start = match.end()
    pieces.append(sentence[start:])
    out: list[str] = []
    subject = ""
    for piece in pieces:
        piece = piece.strip().strip(",;:.!").strip()
        if not piece:
            continue
        if re.match(_VERB_START, piece) and subject:
            piece = f"{subject} {piece}"
        lead = _LEAD_SUBJECT.match(piece)
        if lead and lead.group("n") not in {"My", "my"}:
            subject = lead.group("n")
        out.append(piece)
    return out


def gives_nothing(clause: str) -> bool:
    return bool(
        t.NEGATION.search(clause)
        or t.PLAN.search(clause)
        or t.ASK.search(clause)
        or t.REPORTED.search(clause)
    )


# --- relations --------------------------------------------------------------------------------

_STOP_TAIL = re.compile(
    r"\s+(?:and|but|because|since|so|though|although|when|while|which|who|that|where|with|"
    r"near|for|from|at|on|in|by|after|before|during|every|each|these|this|last|now|too|"
    r"as well|a lot|so much|very much|lately|nowadays|today|yesterday|right now|full[- ]time|"
    r"part[- ]time|remotely|as an?|as the|these days|currently|anyway|though|tho|haha|lol|"
    r"again|already|recently|a few|for now|over there|ever since|all day|(?-i:rn|atm|w))\b.*$"
    r"|(?<!\bSt)(?<!\bMt)(?<!\bFt)(?<!\bDr)[.](?=\s|$).*$|[,;:!?()\"].*$",
    re.I,
)
_LEAD_ART = re.compile(r"^(?:the|a|an|my|our|some|his|her|their|local)\s+", re.I)
_ROLE_TAIL = re.compile(r"\s+(?:at|for|with|of|in|and|who|since|by|from|based|on)\b.*$", re.I)
# "head of marketing", "VP of Sales": a title keeps its department
_DEPT = re.compile(rf"^(?:the )?{t.DEPT}(?= at\b| for\b| with\b|$)")
_OFFICER = re.compile(rf"\b{t.OFFICER}s?$", re.I)
# Offices held only in a club, board, team or troop ("the treasurer of Rotary"); other officers
# ("the president of Acme") are members only of a group word ("the president of the chess club").
_CIVIC = re.compile(
    r"(?:treasurer|trustee|chair(?:man|woman|person)?|board member|organi[sz]er|deacon|"
    r"(?:scout|troop|youth|den|pack) leader)s?$",
    re.I,
)


def _officer_of_group(match: re.Match[str]) -> bool:
    """ "the treasurer of the garden club", "a scout leader with Troop 42": an office in a group."""
    role = match.groupdict().get("r") or ""
    if not _OFFICER.search(role) and not _CIVIC.search(role):
        return False
    link = match.string[match.end("r") : match.start("o")].split()
    if not link or link[0] not in {"of", "for", "with", "at"}:
        return False
    if link[0] == "at":  # "a deacon at First Baptist Church", not "the treasurer at Acme"
        return bool(_CIVIC.search(role) and t.GROUPISH.search(match.group("o")))
    return bool(_CIVIC.search(role) or t.GROUPISH.search(match.group("o")))


def _role(raw: str) -> str:
    dept = _DEPT.match(raw)
    return minimal(dept.group(0) if dept else _ROLE_TAIL.sub("", raw))


_PRONOUNS = frozenset(
    {
        "it",
        "them",
        "one",
        "home",
        "there",
        "here",
        "this",
        "that",
        "everything",
        "you",
        "him",
        "her",
        "stuff",
        "things",
    }
)


def minimal(raw: str) -> str:
    """The object's minimal span: the words before a preposition, conjunction or punctuation,
    without a leading article."""
    text = _STOP_TAIL.sub("", raw.strip())
    for _ in range(2):
        text = _LEAD_ART.sub("", text)
    return text.strip(" '\"-")


def _subjects(raw: str | None, ctx: Context) -> list[str]:
    if raw is None:
        return [USER]
    word = re.sub(r"'s$", "", raw.strip())  # "Tom's on the board": Tom is
    lower = word.lower()
    if lower in {"i", "i'm", "i've", "me", "we", "my family", "our family"}:
        return [USER]
    if lower in {"he", "she"}:
        return [ctx.last_person] if ctx.last_person else []
    if lower == "they":
        return list(ctx.pair)
    if word.split()[0].lower() in _NOT_NAMES:
        return []
    return [word]


# "I went to Rutgers for undergrad", "she goes to Brookside, she's in third grade": a school named
# without a school word, known by what the clause says about it
_SCHOOL_TALK = re.compile(
    r"\b(?:for (?:college|school|undergrad|grad school|university|my degree|my masters?|my MBA|"
    r"my PhD|law school|med school)|graduated|majored|majoring|class of|(?:first|second|third|"
    r"fourth|fifth|\d+(?:st|nd|rd|th)) grade|freshman|sophomore|junior year|senior year)\b",
    re.I,
)
_PAIR = re.compile(rf"^(?P<a>{t.PERSON}) and (?P<b>{t.PERSON}) (?=\w)")
_WHICH_IS_IN = re.compile(
    rf"\b(?:which|that) is (?:located |based |headquartered )?in (?P<o>{t.ENT})"
)
_CALLED = re.compile(rf",? (?:called|named) (?P<o>{t.NAME})")


def extract_clause(clause: str, ctx: Context) -> Iterator[Found]:
    if gives_nothing(clause):
        return
    text, kin = kinship(clause, ctx)
    yield from kin
    named_pets = {f[0] for f in kin if f[2] == "owns"}  # who owns a pet named in the clause
    pair = _PAIR.match(text)
    if pair and pair.group("a") != "I":
        ctx.pair = (pair.group("a"), pair.group("b"))
        text = "They " + text[pair.end() :]
    seen: set[tuple[str, str, str]] = set()
    for pattern, predicate, confidence in RULES:
        for match in pattern.finditer(text):
            for found in _triples(match, predicate, confidence, ctx):
                if predicate == "owns" and found[0] in named_pets and found[3][:1].islower():
                    continue
                if (found[0], found[2], found[3].lower()) in seen:
                    continue
                seen.add((found[0], found[2], found[3].lower()))
                yield found
    which = _WHICH_IS_IN.search(text)
    if which and ctx.last_org:
        yield (ctx.last_org, "Organization", "located_in", minimal(which.group("o")), "Place", 0.7)


def _triples(match: re.Match[str], predicate: str, confidence: float, ctx: Context) -> list[Found]:
    groups = match.groupdict()
    if predicate == "studied_at" and re.search(r"\b(?:go|goes|going|went) to\b", match.group(0)):
        school = t.SCHOOLISH.search(groups["o"]) or re.search(r"\bState\b", groups["o"])
        if not (school or _SCHOOL_TALK.search(match.string)):
            return []  # "I went to Paris", "I go to Trader Joe's": a trip, not a school
    if predicate == "works_at" and re.match(r"started at\b", match.group(0).split(" ", 1)[-1]):
        if t.SCHOOLISH.search(groups["o"]):
            predicate = "studied_at"  # "Mia started at Oakwood Elementary": a pupil
    if predicate == "works_at" and re.search(
        r"(?:student|freshman|sophomore|junior|senior|undergrad|alum\w*)s?$", groups.get("r") or ""
    ):
        return []  # "a sophomore at NYU": studied_at says it
    if groups.get("r") and predicate in {"works_at", "member_of"}:
        # an officer of a group is its member; of a company, its employee
        predicate = "member_of" if _officer_of_group(match) else "works_at"
        if match.string[match.end("r") : match.start("o")].strip() == "in":
            predicate = "lives_in"  # "works as a paralegal in Miami": a town, not an employer
    called = _CALLED.match(match.string, match.end())
    if called and predicate in {"owns", "member_of", "works_at"}:
        groups = {**groups, "o": called.group("o")}  # "a book club called Page Turners"
    raw = re.sub(r"^.*\b(?:called|named) ", "", groups["o"])  # "a startup called Brightline"
    obj = _role(raw) if predicate == "has_role" else minimal(raw)
    if predicate == "likes":
        obj = " ".join(obj.split()[:4])
        raw_o = _STOP_TAIL.sub("", groups["o"].replace(" and ", " _and_ ")).replace(
            " _and_ ", " and "
        )
        more = re.match(r"^(?P<a>[\w'-]+(?: [\w'-]+)?) and (?P<b>[\w'-]+(?: [\w'-]+)?)$", raw_o)
        if more and not re.search(
            r"\b(?:rock|roll|black|white|salt|pepper|mac|cheese|fish|chips)\b", more.group(0)
        ):
            subjects = _subjects(groups.get("s"), ctx)
            return [
                (s, "Person", "likes", more.group(x), "Thing", confidence)
                for s in subjects
                for x in ("a", "b")
            ]
    if not _good_object(predicate, obj):
        return []
    if predicate == "located_in":
        subject = groups["s"].strip()
        if subject in ctx.persons or subject.split()[0].lower() in _NOT_NAMES or subject == "I":
            return []
        return [
            (
                subject,
                "Organization" if subject == ctx.last_org else "Place",
                predicate,
                obj,
                "Place",
                confidence,
            )
        ]
    subjects = _subjects(groups.get("s"), ctx)
    if predicate == "lives_in" and re.search(r"\b(?:based|located)\b", match.group(0)):
        # "Tencent is based in Shenzhen": an organisation's seat, not a person's home
        if subjects and subjects[0] != USER and subjects[0] not in ctx.persons:
            return [(subjects[0], "Organization", "located_in", obj, "Place", confidence)]
    out: list[Found] = []
    kind = OBJECT_TYPE[predicate]
    if predicate == "works_at" and t.SCHOOLISH.search(obj):
        kind = "School"
    for subject in subjects:
        if subject != USER:
            ctx.persons.add(subject)
        out.append((subject, "Person", predicate, obj, kind, confidence))
        role = groups.get("r")
        if role:
            if _good_object("has_role", _role(role)):
                out.append((subject, "Person", "has_role", _role(role), "Role", 0.8))
    if predicate in {"works_at", "studied_at", "member_of"}:
        ctx.last_org = obj
    return out


_GROUP_TAIL = frozenset(
    """army navy marines corps force guard reserve reserves club team band choir league union
    party society association committee council orchestra""".split()
)


def _good_object(predicate: str, obj: str) -> bool:
    if not obj or obj.lower() in _PRONOUNS:
        return False
    if obj.split()[0].lower() in _NOT_NAMES and not (
        predicate == "member_of" and " " in obj and t.GROUPISH.search(obj)
    ):
        return False  # ("a Sunday league" is a group)
    if predicate in {"lives_in", "born_in"} and obj.split()[-1].lower() in _GROUP_TAIL:
        return False  # "a sergeant in the Marines": a corps, not a town
    if predicate == "works_at" and obj in t.UNITS:
        return False  # "an ICU nurse": a unit, not an employer
    named = obj[:1].isupper() or obj[:1].isdigit() or obj[:1] >= "\u3400"
    if predicate in {"works_at", "lives_in", "born_in", "located_in"} and not named:
        return False  # "I work at a startup", "I live in a small town": nothing to name
    if predicate == "studied_at" and not (named or t.SCHOOLISH.search(obj)):
        return False  # "I study economics": a subject, not a school
    if predicate == "has_role" and obj.split()[0].lower() in t.NOT_ROLE:
        return False  # "a good cook", "an aspiring writer": a judgement or a wish, not a job
    if predicate == "member_of" and (obj.lower() in t.BARE_GROUP or t.WORK_TEAM.match(obj)):
        return False  # "I'm on the team": which team is not said; "the sales team": a department
    return True
