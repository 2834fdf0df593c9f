# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""The English vocabulary (kinship, jobs, groups, names), the fragments the relation patterns
are built from, and what gives nothing (see english; the patterns are in english_rules)."""

from __future__ import annotations

import re

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
    "data scientist|product manager|software engineer|web developer|teaching assistant"
)
# Words that name something else as often as a job ("a team player", "a proud dog owner"): a
# role only with a job word after them ("head chef", "volunteer firefighter").
AMBIGUOUS = frozenset(
    "owner player partner host fellow resident lead head associate server rep admin agent volunteer".split()
)
OCC_ALT = "|".join(sorted(set(OCC.split("|")) - AMBIGUOUS, key=len, reverse=True))
ROLE = rf"(?:(?:[a-z0-9][\w-]*|[A-Z]{{2,5}}) ){{0,3}}(?:{OCC_ALT}|RN|LPN|EMT|CPA|SDE|SWE|PM|MD|DJ|HR manager)s?"
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
    r"quartet|trio|collective|co-op|cooperative|foundation|scouts|rotary|lions"
)
GROUPISH = re.compile(GROUP_WORDS, re.I)
GROUP = rf"(?:the |a |an |our |my )?(?:[\w'-]+ ){{0,4}}(?i:{GROUP_WORDS})s?\b"

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
    r"\b(?:will|shall|going to|gonna|plan|plans|planning|planned|want to|wants to|wanna|"
    r"hope to|hopes to|hoping|might|may|maybe|perhaps|would|could|should|must|thinking of|"
    r"thinking about|considering|about to|intend|intends|dream of|dreaming of|someday|"
    r"one day|soon|next (?:year|month|week|summer|spring|fall|autumn|winter)|tomorrow|"
    r"apply|applying|applied|trying to|try to|wish|wishes|would like|'d like|'ll|"
    r"if|unless|whether|suppose|imagine|pretend|probably|likely|rumor|rumour|"
    r"not sure|supposed to|hypothetically|interview|interviewing|offer)\b",
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
