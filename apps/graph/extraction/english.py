# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""English relation rules.

A sentence is cut into clauses at a conjunction that starts a new statement ("I live in Paris
but I work in Basel"); a clause that asks, negates, plans, supposes or says something ended
("I don't work at Google", "I used to live in Rome", "I'm moving to Berlin next year") gives
nothing. In a clause, kinship mentions come first: "my daughter Emma" gives (USER, parent_of,
Emma) and the mention then stands for Emma, so "My friend Tom works at Apple" also gives (Tom,
works_at, Apple). "he"/"she" at the start of a clause is the last person named in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from apps.graph.extraction.triple import USER

# --- vocabulary ---------------------------------------------------------------------------

KIN = {
    "parent_of": "daughter|son|kid|child|baby|stepdaughter|stepson|little girl|little boy",
    "child_of": "mom|mum|mother|mommy|mama|dad|father|daddy|papa|stepmom|stepmother|stepdad|"
    "stepfather",
    "sibling_of": "brother|sister|sibling|twin brother|twin sister|twin|bro|sis",
    "married_to": "wife|husband|spouse|hubby",
    "friend_of": "friend|best friend|good friend|close friend|buddy|pal|bff|best mate|mate",
    "owns": "dog|cat|puppy|kitten|pet|parrot|hamster|rabbit|bunny|horse|goldfish|turtle|"
    "tortoise|bird|guinea pig|golden retriever|retriever|labrador|corgi|husky|poodle|beagle|"
    "pug|dachshund|bulldog|terrier|german shepherd|shepherd|tabby|ragdoll|siamese|snake|"
    "lizard|ferret|pony|car|truck|bike|motorcycle|boat",
}
_KIN_WORDS = {w: pred for pred, words in KIN.items() for w in words.split("|")}
_ADJ = r"(?:(?:older|younger|big|little|baby|oldest|youngest|eldest|elder|twin|new|lovely|" \
       r"sweet|adorable|two-year-old|\d+-year-old|only|step|dear|childhood|old|beloved) )*"  # fmt: skip
KIN_ALT = "|".join(sorted(_KIN_WORDS, key=len, reverse=True))

OCC = (
    "engineer|developer|programmer|teacher|nurse|doctor|physician|surgeon|lawyer|attorney|"
    "designer|manager|accountant|student|chef|cook|baker|writer|author|artist|scientist|"
    "researcher|professor|lecturer|consultant|analyst|architect|pharmacist|dentist|therapist|"
    "psychologist|firefighter|officer|pilot|driver|mechanic|electrician|plumber|carpenter|"
    "photographer|musician|singer|journalist|editor|freelancer|intern|entrepreneur|"
    "salesman|saleswoman|salesperson|barista|waiter|waitress|cashier|librarian|veterinarian|"
    "vet|counselor|paramedic|technician|ceo|cto|cfo|coo|founder|co-founder|cofounder|director|"
    "president|vice president|vp|owner|data scientist|product manager|software engineer|"
    "phd student|grad student|graduate student|retiree|farmer|soldier|police officer|"
    "policeman|policewoman|secretary|assistant|translator|interpreter|coach|trainer|tutor|"
    "administrator|admin|clerk|banker|economist|mathematician|physicist|chemist|biologist|"
    "actor|actress|dancer|painter|illustrator|animator|producer|broadcaster|host|"
    "specialist|coordinator|supervisor|lead|head|partner|associate|instructor|principal|"
    "dean|surveyor|optometrist|radiologist|midwife|caregiver|housekeeper|janitor|guard|"
    "receptionist|recruiter|marketer|strategist|advisor|adviser|auditor|investor|trader|"
    "broker|agent|realtor|blogger|youtuber|streamer|influencer|programmer|scientist|"
    "tester|architect|sysadmin|devops engineer|nanny|babysitter|fisherman|miner|builder"
)
_ROLE = rf"(?:(?:[a-z][\w-]*|[A-Z]{{2,5}}) ){{0,3}}(?:{OCC})s?"
NAME = r"[A-Z][\w'.&-]*(?:\s(?:[A-Z][\w'.&-]*|of|de|du|la|van|von|der|da|&|and(?= [A-Z]\w+ (?:Inc|Co|LLC|Ltd|Company|Group)))){0,5}"
HANNAME = r"[\u4e00-\u9fff]{1,10}"
ENT = rf"(?:{NAME}|{HANNAME})"
PERSON = r"(?:[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)?|[\u4e00-\u9fff]{2,4})"
SCHOOLISH = re.compile(
    r"universit|college|school|institute|academy|polytechnic|conservatory|MIT\b|UCLA|NYU|"
    r"Harvard|Stanford|Oxford|Cambridge|Yale|Princeton|Berkeley|大学|学院|中学|小学|学校",
    re.I,
)
GROUPISH = re.compile(
    r"club|team|band|choir|association|society|union|party|league|group|committee|orchestra|"
    r"guild|chapter|community|council|troupe|ensemble|circle|crew|squad|church|federation|"
    r"fraternity|sorority|lodge|network|chorus",
    re.I,
)

# --- what gives nothing ---------------------------------------------------------------------

_NEGATION = re.compile(
    r"\b(?:not|never|no longer|neither|nor|no|nobody|none|hardly|barely|without)\b|n't\b|"
    r"\bused to\b|\bformer(?:ly)?\b|\bex-|\bonce\b|\bback then\b|\banymore\b|\bany more\b|"
    r"\buntil\b|\bquit\b|\bleft\b|\bdivorced\b|\bbroke up\b|\bsplit up\b|\bpassed away\b|"
    r"\bdied\b|\bretired from\b|\bsold\b|\bgave up\b|\bstopped\b|\bfired\b|\blaid off\b|"
    r"\bago\b|\bin the past\b|\bpreviously\b|\bwhen I was\b|\bwhen we were\b",
    re.I,
)
_PLAN = re.compile(
    r"\b(?:will|shall|going to|gonna|plan|plans|planning|planned|want to|wants to|wanna|"
    r"hope to|hopes to|hoping|might|may|maybe|perhaps|would|could|should|must|thinking of|"
    r"thinking about|considering|about to|intend|intends|dream of|dreaming of|someday|"
    r"one day|soon|next (?:year|month|week|summer|spring|fall|autumn|winter)|tomorrow|"
    r"apply|applying|applied|trying to|try to|wish|wishes|would like|'d like|'ll|"
    r"if|unless|whether|suppose|imagine|pretend|probably|likely|rumor|rumour|"
    r"I think|I guess|I believe|not sure|supposed to|hypothetically)\b",
    re.I,
)
_ASK = re.compile(
    r"^(?:do|does|did|is|are|was|were|can|could|would|will|should|have|has|what|who|whom|"
    r"whose|where|when|why|how|which|tell me|guess)\b",
    re.I,
)
# Someone else's words or thoughts: "Tom said he works at Apple", "my mom thinks I live in...".
_REPORTED = re.compile(
    r"\b(?:said|says|say|told|tells|thinks|think|thought|believes|believed|claims|claimed|"
    r"asked|asks|wonders|wondered|heard|hear|rumored|joked|jokes|pretends|dreamt|dreamed)\b",
    re.I,
)


def gives_nothing(clause: str) -> bool:
    return bool(
        _NEGATION.search(clause)
        or _PLAN.search(clause)
        or _ASK.search(clause)
        or _REPORTED.search(clause)
    )


# --- context: who "he" and "she" are ----------------------------------------------------------


@dataclass
class Context:
    last_person: str = ""
    persons: set[str] = field(default_factory=set)

    def person(self, name: str) -> str:
        self.persons.add(name)
        self.last_person = name
        return name


# --- clause cutting ---------------------------------------------------------------------------

_SUBJECT_START = r"(?:I|I'm|I've|my|My|he|she|He|She|[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:is|works|lives|was|has|loves|likes|owns|studied|studies|moved))\b"
_VERB_START = (r"(?:works?|lives?|living|moved|loves?|likes?|enjoys?|owns?|has|have|studied|"
               r"studies|graduated|is|am|was|joined|plays?|sings?|married|got)\b")  # fmt: skip
_CONJ = re.compile(
    rf",?\s+(?:and|but|while|whereas|although|though|so|yet|plus|and also|and now)\s+"
    rf"(?={_SUBJECT_START}|{_VERB_START})|[,;:]\s+(?={_SUBJECT_START})"
)


def clauses(sentence: str) -> list[str]:
    """The sentence cut at conjunctions that start a new statement; a clause without its own
    subject ("... and lives in Cupertino") gets the one before it."""
    out: list[str] = []
    start = 0
    pieces: list[str] = []
    for match in _CONJ.finditer(sentence):
        left = sentence[start : match.start()]
        if len(left.split()) >= 2 and not re.search(r"\b(?:and|&)\s*$", left):
            pieces.append(left)
            start = match.end()
    pieces.append(sentence[start:])
    subject = ""
    for piece in pieces:
        piece = piece.strip().strip(",;:.!").strip()
        if not piece:
            continue
        if re.match(_VERB_START, piece) and subject:
            piece = f"{subject} {piece}"
        lead = re.match(rf"^(?:I|he|she|He|She|(?:[Mm]y {_ADJ}(?:{KIN_ALT}),? )?{PERSON})\b", piece)
        if lead:
            subject = lead.group(0)
        out.append(piece)
    return out


# --- the rules --------------------------------------------------------------------------------

Found = tuple[str, str, str, str, str, float]  # subject, type, predicate, object, type, conf
_STOP_TAIL = re.compile(
    r"\s+(?:and|but|because|since|so|though|although|when|while|which|who|that|where|with|"
    r"near|for|from|at|on|in|by|after|before|during|every|each|these|this|last|now|too|"
    r"as well|a lot|so much|very much|lately|nowadays|today|yesterday|right now|full[- ]time|"
    r"part[- ]time|remotely|as an?|as the)\b.*$|[,.;:!?()\"].*$",
    re.I,
)
_LEAD_ART = re.compile(r"^(?:the|a|an|my|our|some|his|her|their)\s+", re.I)


def minimal(raw: str, *, keep_in: bool = False) -> str:
    """The object's minimal span: the words before a preposition, conjunction or punctuation,
    without a leading article."""
    text = raw.strip()
    text = re.sub(r"\s+(?:and|but|because|since|so|though|although|when|while|which|who|that|"
                  r"where|,).*$", "", text) if keep_in else _STOP_TAIL.sub("", text)  # fmt: skip
    for _ in range(2):
        text = _LEAD_ART.sub("", text)
    return text.strip(" '\"-")


def _subject(raw: str, ctx: Context) -> tuple[str, str] | None:
    word = raw.strip()
    if word.lower() in {"i", "i'm", "i've", "me", "we"}:
        return (USER, "Person") if word.lower() != "we" else None
    if word.lower() in {"he", "she"}:
        return (ctx.last_person, "Person") if ctx.last_person else None
    if word.lower() in {"it", "they", "this", "that", "there", "you", "who", "everyone"}:
        return None
    return word, "Person"


def _kinship(clause: str, ctx: Context) -> tuple[str, list[Found]]:
    """Kinship and pet mentions: their triples, and the clause with each named mention replaced
    by the name ("my friend Tom works at Apple" -> "Tom works at Apple")."""
    found: list[Found] = []

    def add(word: str, name: str) -> None:
        predicate = _KIN_WORDS[word.lower()]
        kind = "Thing" if predicate == "owns" else "Person"
        if predicate != "owns":
            ctx.person(name)
        found.append((USER, "Person", predicate, name, kind, 0.85))

    pet_name = rf"(?P<name>{PERSON})"
    patterns = [
        # my daughter Emma / my best friend, Tom, / my dog named Max / my wife's name is Anna
        rf"\b[Mm]y {_ADJ}(?P<kin>{KIN_ALT})(?:'s name is|,)? (?:(?:is )?(?:named|called) )?{pet_name}\b",
        # Emma is my daughter / Tom, my best friend,
        rf"\b{pet_name}(?:,| is| was) (?:my|our) {_ADJ}(?P<kin>{KIN_ALT})\b",
        # I have a daughter named Emma / we adopted a cat called Luna / I have a dog, Max
        rf"\b(?:I|[Ww]e)(?: also)? (?:have|'ve got|have got|got|adopted|own|rescued|brought home) "
        rf"(?:a|an|one|two|three|\d+)? ?{_ADJ}(?P<kin>{KIN_ALT})(?:s)?(?: named| called|,) {pet_name}\b",
    ]
    text = clause
    for pattern in patterns:
        for match in re.finditer(pattern, clause):
            kin, name = match.group("kin"), match.group("name")
            if name.split()[0].lower() in _NOT_NAMES:
                continue
            add(kin, name)
            text = text.replace(match.group(0), name, 1)
    # "Anna and I got married" / "I'm married to Anna" / "I married Anna"
    for pattern in (
        rf"\bI(?:'m| am| got| have been|'ve been| was| got happily)? married to {pet_name}\b",
        rf"\b{pet_name} and I (?:are|got|have been|'ve been) (?:happily )?married\b",
        rf"\bI married {pet_name}\b",
    ):
        for match in re.finditer(pattern, clause):
            ctx.person(match.group("name"))
            found.append((USER, "Person", "married_to", match.group("name"), "Person", 0.85))
    # "Tom and I are best friends / siblings"
    for match in re.finditer(rf"\b{pet_name} and I are (?:best |good |close |old )?(friends|siblings|brothers|sisters|twins)\b", clause):  # fmt: skip
        predicate = "friend_of" if match.group(1) == "friends" else "sibling_of"
        ctx.person(match.group("name"))
        found.append((USER, "Person", predicate, match.group("name"), "Person", 0.8))
    return text, found


_NOT_NAMES = {"is", "was", "and", "the", "a", "an", "who", "that", "lives", "works", "loves",
              "likes", "has", "i", "my", "he", "she", "it", "they", "we", "you", "just", "also",
              "really", "still", "now", "today", "yesterday", "last", "this", "mr", "mrs", "ms",
              "dr", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "january", "february", "march", "april", "june", "july", "august", "september",
              "october", "november", "december", "christmas", "god", "english", "chinese"}  # fmt: skip

_SUBJ = rf"(?P<s>I|[Hh]e|[Ss]he|{PERSON})"
_ADV = r"(?:(?:currently|now|still|also|really|actually|happily|proudly|both|even|mostly|" \
       r"absolutely|totally|just|already|primarily|full-time|part-time) )*"  # fmt: skip
_BE = r"(?:'m|'s| am| is| are)"

# (pattern, predicate, object group, object type override or "", confidence)
RULES: list[tuple[re.Pattern[str], str, str, float]] = [
    # works_at
    (re.compile(rf"\b{_SUBJ}{_BE}? {_ADV}(?:work|works|working|employed|interning|an intern) (?:at|for|by|with) (?P<o>{ENT})"), "works_at", "", 0.85),
    (re.compile(rf"\b{_SUBJ}(?:'ve| have| has)? {_ADV}(?:been working|worked) (?:at|for) (?P<o>{ENT}) (?:since|for the (?:past|last))\b"), "works_at", "", 0.8),
    (re.compile(rf"\b{_SUBJ}(?:'ve| have| has)? {_ADV}(?:joined|got a job at|got hired (?:at|by)|took a job at|landed a job at) (?P<o>{ENT})"), "works_at", "", 0.8),
    (re.compile(rf"\b{_SUBJ}{_BE} {_ADV}(?:a|an|the) (?P<r>{_ROLE}) (?:at|for|with|of) (?P<o>{ENT})"), "works_at", "", 0.8),
    (re.compile(rf"\b{_SUBJ} {_ADV}work(?:s)? as (?:a |an |the )?(?P<r>[\w -]+?) (?:at|for|with) (?P<o>{ENT})"), "works_at", "", 0.8),
    # has_role
    (re.compile(rf"\b{_SUBJ}{_BE} {_ADV}(?:a|an|the) (?P<o>{_ROLE})\b"), "has_role", "", 0.8),
    (re.compile(rf"\b{_SUBJ} {_ADV}works? as (?:a |an |the )?(?P<o>[\w -]+)"), "has_role", "", 0.8),
    (re.compile(rf"\b{_SUBJ} {_ADV}works? (?:at|for) {ENT} as (?:a |an |the )?(?P<o>[\w -]+)"), "has_role", "", 0.8),
    (re.compile(rf"\b{_SUBJ}(?:'ve| have| has)? (?:just )?(?:been |got |gotten )?promoted to (?:a |an |the )?(?P<o>[\w -]+)"), "has_role", "", 0.75),
    (re.compile(r"\b(?:[Mm]y|[Hh]is|[Hh]er) (?:job|profession|occupation|title) is (?:a |an |the )?(?P<o>[\w -]+)"), "has_role", "", 0.75),
    # lives_in
    (re.compile(rf"\b{_SUBJ}{_BE}? {_ADV}(?:live|lives|living|reside|resides|residing|based|settled|staying) (?:in|at) (?P<o>{ENT})"), "lives_in", "", 0.85),
    (re.compile(rf"\b{_SUBJ}(?:'ve| have| has)? {_ADV}(?:been living|lived) in (?P<o>{ENT}) (?:since|for)\b"), "lives_in", "", 0.8),
    (re.compile(rf"\b{_SUBJ}(?:'ve| have| has)? {_ADV}(?:moved|relocated) (?:back )?(?:here )?(?:to|into) (?P<o>{ENT})"), "lives_in", "", 0.75),
    (re.compile(rf"\b(?:[Mm]y|[Hh]is|[Hh]er) home(?:town)? is (?:in )?(?P<o>{ENT})"), "lives_in", "", 0.7),
    (re.compile(rf"\b{_SUBJ}(?:'s| is| am|'m) (?:a )?(?:local|resident) (?:in|of) (?P<o>{ENT})"), "lives_in", "", 0.7),
    # born_in
    (re.compile(rf"\b{_SUBJ} (?:was|were) {_ADV}born (?:and raised )?in (?P<o>{ENT})"), "born_in", "", 0.9),
    (re.compile(rf"\b(?:[Mm]y|[Hh]is|[Hh]er) (?:birthplace|place of birth) is (?P<o>{ENT})"), "born_in", "", 0.85),
    # studied_at
    (re.compile(rf"\b{_SUBJ}{_BE}? {_ADV}(?:studied|study|studies|studying|majored in [\w ]+? at|did (?:my|his|her) [\w' ]+? at|went to (?=\S*(?:Universit|College|School|Institute|Academy))|graduated from|attended|attend|attends|attending|am at|enrolled at|enrolled in) (?:at )?(?P<o>{ENT})"), "studied_at", "", 0.85),
    (re.compile(rf"\b{_SUBJ}{_BE} {_ADV}(?:a|an) (?:[\w-]+ )?(?:student|freshman|sophomore|junior|senior|alumnus|alumna|graduate|grad) (?:at|of|from) (?P<o>{ENT})"), "studied_at", "", 0.8),
    (re.compile(rf"\b{_SUBJ} (?:got|earned|received) (?:my|his|her|a) [\w' ]+? (?:from|at) (?P<o>{ENT})"), "studied_at", "", 0.8),
    # member_of
    (re.compile(rf"\b{_SUBJ}{_BE} {_ADV}(?:a |an )?(?:\w+ )?member of (?P<o>(?:the )?(?:{ENT}|(?:[\w'-]+ ){{0,4}}(?:{GROUPISH.pattern})))"), "member_of", "", 0.85),
    (re.compile(rf"\b{_SUBJ}{_BE}? {_ADV}(?:belong|belongs|play|plays|sing|sings|playing|singing|volunteer|volunteers|row|rows|dance|dances)(?: [\w]+)? (?:to|in|on|for|with) (?P<o>(?:the |a |an )?(?:[\w'-]+ ){{0,4}}(?:{GROUPISH.pattern}))"), "member_of", "", 0.75),
    (re.compile(rf"\b{_SUBJ}(?:'ve| have| has)? {_ADV}joined (?P<o>(?:the |a |an )?(?:[\w'-]+ ){{0,4}}(?:{GROUPISH.pattern}))"), "member_of", "", 0.75),
    # likes
    (re.compile(rf"\b{_SUBJ}{_ADV} ?(?:really |absolutely |totally )?(?:like|likes|love|loves|enjoy|enjoys|adore|adores) (?!to\b|it\b|that\b|this\b|them\b|you\b|him\b|her\b|my job\b|working\b|living\b)(?P<o>[\w' -]+)"), "likes", "", 0.8),
    (re.compile(rf"\b{_SUBJ}{_BE} {_ADV}(?:a (?:huge |big |massive )?fan of|into|obsessed with|passionate about|crazy about|fond of|addicted to) (?P<o>[\w' -]+)"), "likes", "", 0.75),
    (re.compile(r"\b(?:[Mm]y|[Hh]is|[Hh]er) (?:favou?rite|fave) [\w ]+? (?:is|are) (?P<o>[\w' -]+)"), "likes", "", 0.75),
    # owns
    (re.compile(rf"\b{_SUBJ} {_ADV}(?:own|owns|have|has|drive|drives|ride|rides|bought|got) (?:a|an|one|two|three|\d+) (?:[a-z]+ ){{0,2}}(?P<o>{NAME})\b"), "owns", "", 0.75),
    (re.compile(rf"\b{_SUBJ} {_ADV}(?:own|owns|have|has|bought) (?:a|an|one) (?P<o>(?:[a-z]+ ){{0,2}}(?:{KIN['owns']}|house|apartment|flat|condo|piano|guitar|laptop|camera|cabin|farm|restaurant|shop|cafe|bakery|store|company))\b"), "owns", "", 0.7),
    # located_in (an organisation or a place in a place)
    (re.compile(rf"^(?:the )?(?P<s>{NAME}) (?:is|are) (?:located|based|headquartered|situated|found) in (?P<o>{ENT})"), "located_in", "", 0.85),
    (re.compile(rf"^(?:the )?(?P<s>{NAME}) (?:is|are) (?:in|a city in|a town in|a village in|the capital of|a country in|a state in|a province of|a province in|an island in) (?P<o>{ENT})"), "located_in", "", 0.7),
    (re.compile(rf"^(?:the )?(?P<s>{NAME}) has (?:its|their) (?:headquarters|HQ|head office|main office|office|offices|campus) in (?P<o>{ENT})"), "located_in", "", 0.8),
]  # fmt: skip

_ROLE_TAIL = re.compile(r"\s+(?:at|for|with|of|in|and|who|since|by|from)\b.*$", re.I)


def extract_clause(clause: str, ctx: Context) -> Iterator[Found]:
    if gives_nothing(clause):
        return
    text, kin = _kinship(clause, ctx)
    yield from kin
    taken: set[tuple[str, str]] = set()
    for pattern, predicate, _, confidence in RULES:
        for match in pattern.finditer(text):
            found = _triple(match, predicate, confidence, ctx)
            if found and (found[0], found[2]) not in taken | {(found[0], "x")}:
                if predicate not in {"likes", "owns", "has_role", "member_of"}:
                    taken.add((found[0], predicate))
                yield found
            role = match.groupdict().get("r")
            if role and predicate == "works_at":
                subject = _subject(match.group("s"), ctx)
                if subject:
                    taken.add((subject[0], "has_role"))
                    yield (*subject, "has_role", minimal(_ROLE_TAIL.sub("", role)), "Role", 0.8)


def _triple(match: re.Match[str], predicate: str, confidence: float, ctx: Context) -> Found | None:
    groups = match.groupdict()
    if predicate == "located_in":
        subject = groups["s"].strip()
        if subject in ctx.persons or subject.split()[0].lower() in _NOT_NAMES:
            return None
        subject_type = "Place"
        kind = ("Organization" if re.search(r"Inc|Corp|Ltd|Company|Bank|Google|Apple", subject)
                else "Place")  # fmt: skip
        subject_type = kind
    else:
        if "s" in groups and groups["s"] is not None:
            resolved = _subject(groups["s"], ctx)
        else:
            resolved = (USER, "Person")
        if not resolved:
            return None
        subject, subject_type = resolved
        if subject != USER and (subject.split()[0].lower() in _NOT_NAMES):
            return None
        if subject != USER:
            ctx.person(subject)
    obj = minimal(groups["o"])
    if predicate == "has_role":
        obj = minimal(_ROLE_TAIL.sub("", groups["o"]))
    if predicate in {"likes"}:
        obj = " ".join(obj.split()[:4])
    if predicate == "studied_at" and not (
        SCHOOLISH.search(obj) or obj[:1].isupper() or obj[:1] > "\u3400"
    ):
        return None  # "I study economics": a subject, not a school
    if predicate == "works_at" and not (obj[:1].isupper() or obj[:1] > "\u3400"):
        return None
    if not obj or obj.lower() in _NOT_NAMES or obj.lower() in {"it", "them", "one", "home"}:
        return None
    kind = {"works_at": "Organization", "has_role": "Role", "lives_in": "Place",
            "born_in": "Place", "studied_at": "School", "member_of": "Group", "likes": "Thing",
            "owns": "Thing", "located_in": "Place"}[predicate]  # fmt: skip
    if predicate == "works_at" and SCHOOLISH.search(obj):
        kind = "School"
    return (subject, subject_type, predicate, obj, kind, confidence)
