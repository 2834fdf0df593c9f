"""What the speaker does and takes part in: `attended` (an event, a class, a group, a place they
went to) and `does` (an activity: running, pottery, guitar). Conversations are full of these
("I signed up for a pottery class", "we went camping", 我上周参加了一个读书会) and they are what a
later question about the person asks for ("What activities does Melanie do?"): each edge ties
the person to the memory that said it, which graph-aware retrieval follows.

Only first-person statements ("I" / "we" / 我 / 我们), in the past or present, not negated,
planned or asked. Unlike a state (lives_in), an event stays true once past: "two weeks ago"
and "as a kid" do not end it, so the gate here is narrower than the main rules'. Objects are
short noun phrases (at most five words) cut at the first preposition, time word or
conjunction; a few words that name no activity ("bed", "work", "sleep") give nothing. These two
predicates are not in the labelled sets' schema (bench/data/relations.README.md): the extraction
benchmark counts them apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from apps.graph.extraction import english
from apps.graph.extraction.chinese_rules import PLAN as ZH_PLAN
from apps.graph.extraction.normalise import has_han
from apps.graph.extraction.triple import USER, Found

CONFIDENCE = 0.6

# --- English -----------------------------------------------------------------------------------

_WE = r"(?:I|we|We)"
_I = rf"\b{_WE}(?:\s+|(?='))"  # "I went", "I've been"
_ADV = r"(?:(?:just|finally|recently|also|even|actually|already|really|once|always|often)\s+)?"
_HAVE = r"(?:(?:'ve|have|had)\s+(?:been\s+)?)?"
_ATTEND_VERB = (
    r"(?:went|go|been|attended|attend|joined|join|signed up for|sign up for|enrolled in|"
    r"took part in|participated in|participate in|volunteered at|volunteer at|visited|visit|"
    r"checked out|started going to|go to|went to|traveled to|travelled to|flew to|drove to|"
    r"hiked|toured|explored)"
)
_GATE = re.compile(
    r"\b(?:not|never|no|nobody|none|without|hardly|barely|will|shall|going to|gonna|plan|plans|"
    r"planning|want to|wants to|wanna|hope|hoping|might|may|maybe|perhaps|would|could|should|"
    r"must|if|unless|whether|thinking of|thinking about|considering|about to|someday|soon|"
    r"tomorrow|next (?:year|month|week|weekend|summer|time)|wish|'ll|'d like|said|told|heard)\b"
    r"|n't\b|\b(?:dont|didnt|cant|wont|isnt|wasnt)\b",
    re.I,
)
_ATTEND = re.compile(
    rf"{_I}{_ADV}{_HAVE}{_ADV}(?P<verb>{_ATTEND_VERB})(?:\s+(?:to|on|for))?\s+"
    r"(?:(?:a|an|the|my|our|this|that|some|another|one)\s+)?(?P<obj>[A-Za-z][\w'&+-]*(?:\s+[\w'&+-]+){0,6})"
)
_GERUND_AFTER = re.compile(
    rf"{_I}{_ADV}{_HAVE}{_ADV}(?:went|go|goes|going|been|started|start|took up|take up|"
    r"tried|try|keep|kept|love|loves|enjoy|enjoyed)\s+(?P<obj>[A-Za-z]+ing)\b"
)
_PROGRESSIVE = re.compile(
    rf"\b(?:I'm|I am|I've been|I have been|we're|we've been)\s+{_ADV}(?P<obj>[a-z]+ing)\b"
)
_DO = re.compile(
    rf"{_I}{_ADV}{_HAVE}(?:do|did|play|played|practice|practise|practiced|practised|learn|"
    r"learned|learnt|am learning|'m learning|(?:started |start )?(?:doing|playing|practicing|"
    r"practising))\s+"
    r"(?:(?:a|an|the|some|my|our)\s+)?(?P<obj>[a-z][\w-]*(?:\s+(?:class|classes|lessons?|"
    r"course))?)\b"
)
_CLASS = re.compile(
    rf"{_I}{_ADV}{_HAVE}(?:took|take|taking|am taking|'m taking)\s+"
    r"(?:(?:a|an|the|some|my|our)\s+)?(?P<obj>(?:[\w-]+\s+){0,2}(?:class|classes|course|"
    r"lessons?|workshop))\b",
    re.I,
)
# Verbs in -ing that say how someone is, not what they do.
_NOT_ACTIVITIES = frozenset(
    "going doing thinking feeling getting trying looking planning working being having making "
    "saying telling wondering hoping wanting needing considering starting taking keeping "
    "learning loving enjoying seeing reading sharing talking coming living staying sitting "
    "waiting missing struggling dealing figuring managing finding kidding glad".split()
)
_NOT_PLACES = frozenset(
    "bed sleep work home school church it that this there here him her them you see".split()
)
_OBJ_STOP = re.compile(
    r"\s+(?:and|but|because|since|so|though|when|while|which|who|that|where|with|for|from|at|"
    r"on|in|by|until|after|before|last|this|next|ago|yesterday|today|tonight|tomorrow|again|"
    r"recently|lately|too|as|to|it|and|or|all|every|each|over|about|into|around|together|"
    r"yet|there|here|was|is|were|are|has|had|have|'s)\b.*$",
    re.I,
)


def _phrase(raw: str) -> str:
    phrase = _OBJ_STOP.sub("", " " + raw.strip()).strip(" ,.!?;:'\"")
    words = phrase.split()
    if not words or len(words) > 5 or words[0].lower() in _NOT_PLACES:
        return ""
    return phrase


def _english(clause: str) -> Iterator[Found]:
    if _GATE.search(clause):
        return
    for match in _ATTEND.finditer(clause):
        obj = _phrase(match.group("obj"))
        if not obj or (" " not in obj and obj.endswith("ing")):  # "went camping": below
            continue
        yield USER, "Person", "attended", obj, "Event", CONFIDENCE
    for match in _CLASS.finditer(clause):
        yield USER, "Person", "attended", match.group("obj"), "Event", CONFIDENCE
    for pattern in (_GERUND_AFTER, _PROGRESSIVE):
        for match in pattern.finditer(clause):
            obj = match.group("obj").lower()
            if obj not in _NOT_ACTIVITIES and len(obj) > 5:
                yield USER, "Person", "does", obj, "Activity", CONFIDENCE
    for match in _DO.finditer(clause):
        obj = _phrase(match.group("obj"))
        if obj and obj.split()[0].lower() not in _NOT_ACTIVITIES | {"it", "that", "this"}:
            yield USER, "Person", "does", obj, "Activity", CONFIDENCE


# --- Chinese -----------------------------------------------------------------------------------

_ZH_TIME = (
    r"(?:上周|上个月|昨天|前天|今天|最近|刚刚|刚|周末|上周末|去年|今年|前几天|一直|经常|常常|"
    r"也|还|都|已经)*"
)
_ZH_NEGATION = re.compile(r"不|没|未|别")
_ZH_ATTEND = re.compile(
    rf"(?:我|我们){_ZH_TIME}(?:去|参加|加入|报名|报了|参与|去参加)(?:了)?(?:一个|一次|一场|个|场)?"
    r"(?P<obj>[\u4e00-\u9fffA-Za-z]{2,12}?)(?=[，。！？,.!?；;]|$|了|的时候)"
)
_ZH_DO = re.compile(
    rf"(?:我|我们){_ZH_TIME}(?:在)?(?:学|练|玩|打|去)(?:了)?"
    r"(?P<obj>游泳|跑步|瑜伽|钢琴|吉他|画画|绘画|陶艺|篮球|足球|网球|羽毛球|乒乓球|爬山|徒步|露营|"
    r"滑雪|骑车|骑行|摄影|书法|舞蹈|跳舞|唱歌|健身|钓鱼|冲浪|攀岩|烘焙|做饭|编程|围棋|象棋)"
)
_ZH_NOT = frozenset({"上班", "工作", "睡觉", "家", "学校", "公司", "那里", "这里"})


def _chinese(clause: str) -> Iterator[Found]:
    if _ZH_NEGATION.search(clause) or ZH_PLAN.search(clause):
        return
    for match in _ZH_DO.finditer(clause):
        yield USER, "Person", "does", match.group("obj"), "Activity", CONFIDENCE
    for match in _ZH_ATTEND.finditer(clause):
        obj = match.group("obj")
        if obj not in _ZH_NOT and not _ZH_DO.fullmatch("我" + obj):
            yield USER, "Person", "attended", obj, "Event", CONFIDENCE


# A sentence without one of these words cannot match an English pattern above: skipped cheaply.
_ANY_VERB = re.compile(
    r"\b(?:went|go|goes|going|been|attend|joined|join|sign|enrolled|took|take|taking|"
    r"participat|volunteer|visit|checked|start|travel|flew|drove|hiked|toured|explored|do|did|"
    r"play|practi|learn|tried|try|keep|kept|love|loves|enjoy|enjoyed)\w*|\bI'm|\bI am|\bwe're",
    re.I,
)
_ANY_ZH = re.compile(r"去|参加|加入|报名|报了|参与|学|练|玩|打")


def extract_sentence(sentence: str) -> list[Found]:
    """The speaker's activities and what they attended in one prepared sentence."""
    found: list[Found] = []
    if has_han(sentence) and _ANY_ZH.search(sentence):
        found += _chinese(sentence)
    if _ANY_VERB.search(sentence):
        for clause in english.clauses(english.tidy(sentence)):
            found += _english(clause)
    return found
