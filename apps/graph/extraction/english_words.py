# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""The English vocabulary (kinship, jobs, groups, names), the fragments the relation patterns
are built from, and what gives nothing (see english; the patterns are in english_rules)."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Kinship and pet words of "my <word> <Name>": the predicate they give, from the speaker.
KIN = {
    "parent_of": "daughter|son|kid|kids|child|children|baby|stepdaughter|stepson|little girl|little boy|boy|girl|daughters|sons",
    "child_of": "mom|mum|mother|mommy|mama|dad|father|daddy|papa|stepmom|stepmother|stepdad|stepfather|ma|pa",
    "sibling_of": "brother|sister|sibling|siblings|twin brother|twin sister|twin|bro|sis|brothers|sisters",
    "married_to": "wife|husband|spouse|hubby|wifey",
    "friend_of": "friend|best friend|good friend|close friend|buddy|pal|bff|best mate|mate|bestie|friends",
    "owns": "dog|cat|puppy|kitten|pet|parrot|hamster|rabbit|bunny|horse|goldfish|turtle|tortoise|bird|"
    "guinea pig|golden retriever|retriever|labrador|lab|corgi|husky|poodle|beagle|pug|dachshund|"
    "bulldog|terrier|german shepherd|shepherd|tabby|ragdoll|siamese|snake|lizard|ferret|pony|"
    "dogs|cats|pup|doggo|kitty",
}
KIN_WORDS = {w: pred for pred, words in KIN.items() for w in words.split("|")}
# People named through a tie the graph has no predicate for: the name still gets its own facts.
OTHER_KIN = (
    "aunt|uncle|cousin|grandma|grandmother|grandpa|grandfather|granny|nana|grandson|granddaughter|"
    "nephew|niece|roommate|flatmate|housemate|coworker|co-worker|colleague|classmate|boss|manager|"
    "neighbor|neighbour|girlfriend|boyfriend|gf|bf|fiance|fiancé|fiancee|fiancée|partner|mentor|"
    "mother-in-law|father-in-law|sister-in-law|brother-in-law|in-laws|teammate|landlord|ex"
)
KIN_ALT = "|".join(sorted(KIN_WORDS, key=len, reverse=True))
ANY_KIN = "|".join(sorted([*KIN_WORDS, *OTHER_KIN.split("|")], key=len, reverse=True))
ADJ = (
    r"(?:(?:older|younger|big|little|baby|oldest|youngest|eldest|elder|twin|new|lovely|sweet|"
    r"adorable|\w+-year-old|only|step|dear|childhood|old|beloved|best|good|close|lifelong|"
    r"two|three|2|3|amazing|awesome|rescue|crazy|lazy|fat|black|white|orange|grey|gray|golden) )*"
)

OCC = (
    "engineer|developer|programmer|teacher|nurse|doctor|physician|surgeon|lawyer|attorney|"
    "designer|manager|accountant|student|chef|cook|baker|writer|author|artist|scientist|"
    "researcher|professor|lecturer|consultant|analyst|architect|pharmacist|dentist|therapist|"
    "psychologist|firefighter|officer|pilot|driver|mechanic|electrician|plumber|carpenter|"
    "photographer|musician|singer|journalist|editor|freelancer|intern|entrepreneur|"
    "salesman|saleswoman|salesperson|barista|waiter|waitress|cashier|librarian|veterinarian|"
    "vet|counselor|paramedic|technician|ceo|cto|cfo|coo|founder|co-founder|cofounder|director|"
    "president|vice president|vp|owner|retiree|farmer|soldier|policeman|policewoman|secretary|"
    "assistant|translator|interpreter|coach|trainer|tutor|administrator|admin|clerk|banker|"
    "economist|mathematician|physicist|chemist|biologist|actor|actress|dancer|painter|"
    "illustrator|animator|producer|host|specialist|coordinator|supervisor|lead|head|associate|"
    "instructor|principal|dean|surveyor|optometrist|radiologist|midwife|caregiver|housekeeper|"
    "janitor|guard|receptionist|recruiter|marketer|strategist|advisor|adviser|auditor|investor|"
    "trader|broker|agent|realtor|blogger|youtuber|streamer|influencer|tester|sysadmin|nanny|"
    "babysitter|fisherman|miner|builder|dev|swe|pm|rep|paralegal|hairdresser|stylist|tailor|"
    "butcher|bartender|server|courier|postman|mail carrier|flight attendant|sailor|captain|"
    "marine|detective|sheriff|judge|senator|mayor|pastor|priest|rabbi|imam|monk|nun|physio|"
    "physiotherapist|surgeon|resident|fellow|postdoc|undergrad|undergraduate|freshman|"
    "sophomore|graduate student|grad student|phd student|phd candidate|apprentice|volunteer|"
    "player|goalkeeper|striker|midfielder|guitarist|drummer|bassist|pianist|violinist|"
    "composer|conductor|poet|novelist|reporter|anchor|copywriter|ux designer|ui designer|"
    "data scientist|product manager|software engineer|web developer|teaching assistant|"
    "cop|welder|machinist|contractor|landscaper|roofer|hygienist|bookkeeper|underwriter|actuary|"
    "statistician|worker|custodian|mailman|ranger|dispatcher|trucker|medic|psychiatrist|"
    "pediatrician|cardiologist|dermatologist|anesthesiologist|chiropractor|dietitian|"
    "nutritionist|phlebotomist|sonographer|historian|geologist|archaeologist|linguist|teller|"
    "vet tech|lab tech|pharmacy tech|nail tech|radiology tech|ultrasound tech|surgical tech|"
    "dental tech|medical tech|x-ray tech|sound tech|sergeant|corporal|lieutenant|colonel|airman|"
    "seaman|commander|team lead|tech lead|shift lead|team leader|"
    "scout leader|troop leader|youth leader|real estate agent|travel agent|insurance agent|"
    "sales rep|sales associate|research associate|research fellow|treasurer|chairman|"
    "chairwoman|chairperson|organizer|organiser|trustee|board member|deacon|homemaker|practitioner"
)
# Words that name something else as often as a job ("a team player", "a proud dog owner"): a
# role only with a job word after them ("head chef", "volunteer firefighter").
AMBIGUOUS = frozenset(
    "owner player partner host fellow resident lead head associate server rep admin agent volunteer".split()
)
OCC_ALT = "|".join(sorted(set(OCC.split("|")) - AMBIGUOUS, key=len, reverse=True))
# A job's modifiers are words of its own ("senior", "ER", "night shift"), never a function word:
# "a friend of a doctor", "a mom and a nurse" name no "friend" or "mom" role.
_ROLE_WORD = r"(?!(?:and|or|of|the|a|an|at|in|on|for|with|to|from|by|my|our|his|her|their|who|that|as)\b)[a-z0-9][\w-]*"
ROLE = rf"(?:(?:{_ROLE_WORD}|[A-Z]{{2,5}}) ){{0,3}}(?:{OCC_ALT}|RN|LPN|LVN|CNA|EMT|CPA|SDE|SWE|PM|MD|DJ|HR manager|CEO|CTO|CFO|COO|CMO|CIO|VP|SVP|EVP)s?"
# Words before a job that judge the speaker rather than name a job ("a good cook", "a terrible
# singer", "an aspiring writer"): no role.
NOT_ROLE = frozenset(
    """good great bad terrible awful decent lousy horrible excellent amazing fantastic better
    worse best worst natural born wannabe aspiring would-be future failed frustrated closet
    armchair budding huge big massive total real proper poor mediocre hard fast slow quick
    lazy messy sloppy picky fussy""".split()
)
# Departments and units written in capitals: "an ICU nurse" works in no organisation "ICU".
UNITS = frozenset("ICU NICU PICU CCU ER OR ED EMS HR IT QA PR UX UI ESL IB AP".split())
# Jobs whose word names something else too ("a partner", "a server"): a role before "at <place>".
AT_JOB = r"(?:(?:senior|junior|managing|equity|sales|research|medical|chief|surgical|lead) )?(?:partner|associate|resident|fellow|server|host|hostess|rep|agent)"
# Officers of a club, board or team: "the treasurer of the garden club" is a member of it.
OFFICER = (
    r"(?:co-|vice[- ]|assistant |deputy )?(?:president|treasurer|secretary|chair|chairman|"
    r"chairwoman|chairperson|captain|trustee|board member|organi[sz]er|leader|coordinator)"
)
# A department head's title keeps its department ("head of marketing", "VP of Sales").
DEPT_TITLE = r"(?:head|director|[Vv][Pp]|vice president|chief|manager|professor)"
DEPT = rf"{DEPT_TITLE} of (?!the\b|an?\b|my\b|our\b|his\b|her\b|their\b)[A-Za-z]+(?: [a-z]+)?"
NAME = r"(?:St\.|Mt\.|Ft\.|Dr\.|[A-Z][\w'&-]*)(?:\s(?:[A-Z][\w'.&-]*|\d+\w*|(?:of|de|du|la|le|van|von|der|da|del|on|upon|am)\b|&|and(?= [A-Z]\w+ (?:Inc|Co|LLC|Ltd|Company|Group|Partners)))){0,5}"
HANNAME = r"[\u4e00-\u9fff]{1,10}"
ENT = rf"(?:the |an? (?:[\w-]+ ){{0,3}}?(?:called|named) )?(?:{NAME}|{HANNAME})"
PERSON = r"(?:[A-Z][a-z'-]+(?: [A-Z][a-z'-]+)?|[\u4e00-\u9fff]{2,4})"
SCHOOLISH = re.compile(
    r"universit|college|school|institute|academy|polytechnic|conservatory|elementary|"
    r"kindergarten|preschool|high\b|middle\b|\btech\b|MIT\b|UCLA|NYU|USC|UCL\b|LSE\b|ETH\b|Harvard|Stanford|"
    r"Oxford|Cambridge|Yale|Princeton|Berkeley|Caltech|大学|学院|中学|小学|学校",
    re.I,
)
GROUP_WORDS = (
    r"club|team|band|choir|association|society|union|party|league|group|committee|orchestra|"
    r"guild|chapter|community|council|troupe|ensemble|circle|crew|squad|church|federation|"
    r"fraternity|sorority|lodge|network|chorus|corps|army|navy|guard|reserve|brigade|"
    r"quartet|trio|collective|co-op|cooperative|foundation|scouts|rotary|lions|pta|pto|hoa|"
    r"ymca|ywca|troop|force|marines|parish|congregation|synagogue|temple|mosque"
)
GROUPISH = re.compile(GROUP_WORDS, re.I)
# A group: its words before the group word are its name or kind ("Boston Running Club",
# "company softball team"), never a preposition ("a meeting with the team" is no group).
_GROUP_WORD = r"(?!(?:with|at|in|on|for|from|to|and|or|the|a|an|my|our|his|her|of|is|was|about|by)\b)[\w'.&-]+"
GROUP = rf"(?:the |a |an |our |my )?(?:{_GROUP_WORD} ){{0,4}}(?i:{GROUP_WORDS})s?\b(?! (?:chat|text|call|meeting|project|photo|discount|rate|ticket|session|thread)s?\b)"
# A group word alone names no group ("I'm on the team"): it needs a kind or a name.
BARE_GROUP = frozenset(
    "team group crew squad community network circle party chapter collective society staff family "
    "public household audience".split()
)
# A team at work is a department, not a membership ("I'm on the sales team at HubSpot").
WORK_TEAM = re.compile(
    r"^(?:[\w-]+ )?(?:marketing|sales|engineering|design|product|data|support|finance|legal|hr|"
    r"ops|operations|dev|development|research|security|it|platform|infrastructure|growth|"
    r"management|leadership|accounting|customer success|customer service) (?:team|group|department)s?$",
    re.I,
)

# --- what gives nothing ---------------------------------------------------------------------

NEGATION = re.compile(
    r"\b(?:not|never|no longer|neither|nor|no|nobody|none|hardly|barely|without)\b|n't\b|\bnt\b|"
    r"\bdont\b|\bdoesnt\b|\bdidnt\b|\bisnt\b|\bwasnt\b|\bcant\b|\bwont\b|\bused to\b|\bformer(?:ly)?\b|"
    r"\bex-|\bback then\b|\banymore\b|\bany more\b|\buntil\b|\bquit\b|\bleft\b|\bdivorced\b|"
    r"\bbroke up\b|\bsplit up\b|\bpassed away\b|\bdied\b|\bretired\b|\bsold\b|\bgave up\b|"
    r"\bstopped\b|\bfired\b|\blaid off\b|\bago\b|\bin the past\b|\bpreviously\b|\bwhen I was\b|"
    r"\bwhen we were\b|\bas a kid\b|\bgrowing up\b|\bonce upon\b",
    re.I,
)
PLAN = re.compile(
    r"\b(?:will|shall|going to|gonna|plan|plans|planning(?! (?:committee|commission|board|department))|planned|want to|wants to|wanna|"
    r"hope to|hopes to|hoping|might|may|maybe|perhaps|would|could|should|must|thinking of|"
    r"thinking about|considering|about to|intend|intends|dream of|dreaming of|someday|"
    r"one day|soon|next (?:year|month|week|summer|spring|fall|autumn|winter)|tomorrow|"
    r"apply|applying|applied|trying to|try to|wish|wishes|would like|'d like|'ll|"
    r"if|unless|whether|suppose|imagine|pretend|probably|likely|rumor|rumour|"
    r"not sure|supposed to|hypothetically|interview|interviewing|offer|looking for|searching for|"
    r"hunting for)\b",
    re.I,
)
ASK = re.compile(
    r"^(?:do|does|did|is|are|was|were|can|could|would|will|should|have|has|what|who|whom|"
    r"whose|where|when|why|how|which|tell me|guess|any idea|anyone know)\b",
    re.I,
)
# Someone else's words or beliefs: "Tom said he works at Apple", "my mom thinks I live in...".
REPORTED = re.compile(
    r"\b(?:said|says|told|tells|thinks|thought|believes|believed|claims|claimed|"
    r"asked|asks|wonders|wondered|heard|rumored|joked|jokes|pretends|dreamt|dreamed|"
    r"I think|I guess|I believe|I assume|I bet)\b",
    re.I,
)

# --- the relation patterns ------------------------------------------------------------------

SUBJ = rf"(?P<s>\bI|\b[Hh]e|\b[Ss]he|\b[Tt]hey|\b{PERSON})"
WE = r"(?P<s>\b[Ww]e|\b[Mm]y family|\b[Oo]ur family)"  # the speaker's household: where they live
ADV = (
    r"(?:(?:currently|now|still|also|really|actually|happily|proudly|both|even|mostly|remotely|"
    r"absolutely|totally|just|already|primarily|full-time|part-time|officially|finally|"
    r"basically|kinda|kind of|literally|truly|honestly|seriously|definitely|pretty much|"
    r"all|each|too) )*"
)
BE = r"(?:'m|'s|'re| am| is| are)"
HAVE = r"(?:'ve|'s| have| has)"


class Gated:
    """A pattern tried only on a clause that holds one of its literal words: most clauses hold
    none, and a failed substring test costs far less than a failed regular expression."""

    __slots__ = ("needles", "pattern")

    def __init__(self, pattern: str, *needles: str) -> None:
        self.pattern = re.compile(pattern)
        self.needles = needles

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if any(needle in text for needle in self.needles):
            return self.pattern.finditer(text)
        return iter(())


def gated(pattern: str, *needles: str) -> Gated:
    return Gated(pattern, *needles)


# (pattern, predicate, confidence)
Rule = tuple[re.Pattern[str] | Gated, str, float]
