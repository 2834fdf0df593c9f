"""The offline extractor: rules for English and Chinese self-statements.

A turn is cut into clauses; each clause is tried against the patterns below, in order, and the
first that matches gives a fact of its kind. A fact keeps the user's words (the clause itself, in
the user's language) with every relative time expression followed by the absolute date it means,
so "I moved to Shanghai last month" becomes "I moved to Shanghai last month (2024-02)". Each fact
gets a slot `key` (`place:home`, `job:employer`, `taste:coffee`, ...) that reconciliation uses to
tell an update from an addition, and retractions ("I don't have a dog anymore", 我不再吃素了)
are marked as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from apps.memories import text as lexicon
from apps.pipeline.extraction.timeparse import TimeRef, find_times

KINDS = ("identity", "job", "family", "place", "preference", "dislike", "health", "plan",
         "possession", "event")  # fmt: skip
PROFILE_KINDS = frozenset({"identity", "job", "family", "place", "preference", "dislike",
                           "health", "possession"})  # fmt: skip
# Slots that hold one value at a time: a new value replaces the old one.
SINGLE_SLOTS = frozenset({"identity:name", "identity:age", "identity:nationality", "job:title",
                          "job:employer", "job:school", "place:home", "place:origin",
                          "family:partner"})  # fmt: skip


@dataclass
class Candidate:
    kind: str
    key: str
    value: str
    lang: str
    obj: str = ""
    polarity: int = 1  # taste: +1 likes, -1 dislikes
    retraction: bool = False
    occurred_at: datetime | None = None
    time_precision: str = ""
    confidence: float = 0.8
    source_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


# --- clause splitting, objects, values ------------------------------------------------------

_CLAUSES = re.compile(r"(?<=[.!?;。！？；\n，,])\s*|\s+(?=but I\b)")
_SPEAKER = re.compile(r"^\s*[A-Z][\w .'-]{0,30}:\s+")
_STOP_OBJ = re.compile(
    r"\s+(?:and|but|because|since|so|though|although|when|while|which|who|that|if|as well|too|"
    r"anymore|any more|a lot|so much|very much|these days|nowadays|lately|now|though)\b.*$"
    r"|[,.;:!?，。；：！？(（].*$",
    re.I,
)
_ZH_STOP_OBJ = re.compile(
    r"(了|啦|呢|吧|啊|哦|，|。|！|？|、|[,.;:!?]|因为|所以|但是|但|而且|不过|还|也).*$"
)
_LEADING = re.compile(r"^(?:the|a|an|my|some|to|to the|of|of the|playing|eating|drinking)\s+", re.I)


def _is_zh(value: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", value))


def _object(raw: str, zh: bool, max_words: int = 5) -> str:
    raw = raw.strip()
    if zh:
        obj = _ZH_STOP_OBJ.sub("", raw.strip())
        obj = re.sub(r"^(?:吃|喝|玩|看|听|去|做|养|学|弹|打|踢)(?=..)", "", obj)
        return obj[:12].strip()
    obj = _STOP_OBJ.sub("", raw)
    for _ in range(2):
        obj = _LEADING.sub("", obj)
    return " ".join(obj.split()[:max_words]).strip(" '\"")


def norm(value: str) -> str:
    """The comparable form of an object or value: its lexemes (stemmed, stop words out)."""
    return " ".join(lexicon.lexemes(value))


def _annotate(clause: str, times: list[TimeRef], zh: bool) -> str:
    out = clause
    for ref in times:
        label = ref.label()
        if zh and ref.precision == "day":
            label = f"{ref.day.year}年{ref.day.month}月{ref.day.day}日"
        note = f"（{label}）" if zh else f" ({label})"
        out = out.replace(ref.text, ref.text + note, 1)
    return out.strip()


# --- patterns ---------------------------------------------------------------------------------
# Each rule: (kind, slot, compiled pattern, object group or None, flags). The slot may contain
# "{obj}" (keyed by the object) or "{g1}" (by the first group, e.g. the relation).

Rule = tuple[str, str, re.Pattern[str], int | None, str]

_I = r"(?:^|\b)I(?:'m| am)?"
_ADV = r"(?:really |absolutely |also |still |just |totally |kind of |kinda |so |truly |do )?"
_OCC = (r"engineer|developer|programmer|teacher|nurse|doctor|lawyer|designer|manager|accountant|"
        r"student|chef|cook|writer|artist|scientist|researcher|professor|consultant|analyst|"
        r"architect|pharmacist|dentist|therapist|firefighter|officer|pilot|driver|mechanic|"
        r"electrician|plumber|photographer|musician|journalist|editor|freelancer|intern|"
        r"entrepreneur|salesman|saleswoman|barista|waiter|waitress|cashier|librarian|"
        r"veterinarian|vet|counselor|paramedic|technician|scientist|ceo|cto|founder|"
        r"data scientist|product manager|software engineer|phd student|grad student|retiree")  # fmt: skip
_REL = (r"wife|husband|partner|boyfriend|girlfriend|fianc[ée]e?|son|daughter|kids?|children|"
        r"child|baby|mom|mum|mother|dad|father|parents|brother|sister|siblings?|grandma|"
        r"grandmother|grandpa|grandfather|grandparents|aunt|uncle|cousin|nephew|niece|"
        r"dog|cat|puppy|kitten|pet|parrot|hamster|rabbit|bunny|fish|twins")  # fmt: skip
_ZH_REL = (r"老妈|老爸|闺女|哥|姐|弟|妹|老婆|妻子|太太|爱人|老公|丈夫|先生|男朋友|女朋友|男友|女友|对象|未婚妻|未婚夫|儿子|"
           r"女儿|孩子|宝宝|爸爸|妈妈|父亲|母亲|爸妈|父母|哥哥|姐姐|弟弟|妹妹|爷爷|奶奶|外公|外婆|"
           r"姥姥|姥爷|舅舅|阿姨|叔叔|表哥|表姐|表弟|表妹|堂哥|堂姐|狗|猫|狗狗|猫咪|宠物|兔子|鹦鹉")  # fmt: skip
_ZH_OCC = (r"老师|教师|医生|护士|工程师|程序员|设计师|学生|大学生|研究生|博士生|律师|会计|销售|经理|"
           r"厨师|司机|记者|作家|研究员|教授|产品经理|公务员|主播|演员|歌手|警察|画家|摄影师|"
           r"自由职业者|创业者|老板|实习生|运营|咨询师|分析师|建筑师|药剂师|牙医|飞行员|快递员|"
           r"外卖员|店长|编辑|翻译|导游|保安|农民|工人|会计师|审计|秘书|前端|后端|全栈|测试")  # fmt: skip
_PARTNER = {"wife", "husband", "partner", "boyfriend", "girlfriend", "fiance", "fiancé",
            "fiancee", "fiancée", "老婆", "妻子", "太太", "爱人", "老公", "丈夫", "先生", "男朋友",
            "女朋友", "男友", "女友", "对象", "未婚妻", "未婚夫"}  # fmt: skip

_EN_RETRACT: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"\bforget (?:that |what )?I (?:said|told you|mentioned)(?: about| that)? (.+)", re.I), 1),
    (re.compile(r"\bI (?:don't|do not|dont) (?:have|own|keep) (?:a |an |my |any )?(.+?) any ?more\b", re.I), 1),
    (re.compile(r"\bI no longer (?:have|own|like|love|enjoy|eat|drink|play|live in|work at|work for|work as|go to) (?:a |an |the )?(.+)", re.I), 1),
    (re.compile(r"\bI(?:'m| am) (?:not|no longer) (?:a |an )?(.+?) any ?more\b", re.I), 1),
    (re.compile(r"\bI (?:don't|do not|dont) (?:work at|work for|live in|play|eat|drink|go to) (.+?) any ?more\b", re.I), 1),
    (re.compile(r"\bI (?:sold|gave away|got rid of) (?:my |the |our )(.+)", re.I), 1),
    (re.compile(r"\bI (?:quit|left) (?:my job at |my job as (?:a |an )?|)(.+)", re.I), 1),
    (re.compile(r"\bI (?:stopped|gave up|no longer do) ([\w -]+)", re.I), 1),
    (re.compile(r"\bI(?:'m| am) not (allergic(?: to [\w -]+)?)", re.I), 1),
    (re.compile(r"\bno more ([\w ]+?) for (?:me|us)\b", re.I), 1),
    (re.compile(r"\b([A-Z][a-z]+) (?:passed away|died|ran away)\b"), 1),
]  # fmt: skip
_ZH_RETRACT: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"忘(?:掉|了|记)(?:我说过的?|我之前说的?|我说)?(.+)"), 1),
    (re.compile(r"我(?:已经)?不再(?:喜欢|爱|吃|喝|养|住在|在|做|是)?(.+?)(?:了|工作了|$)"), 1),
    (re.compile(r"我(?:已经|早就)?不在(.+?)(?:工作|上班|住|读书)了"), 1),
    (re.compile(r"我(?:已经)?没有(?:再)?(?:养)?(.+?)了"), 1),
    (re.compile(r"我(?:已经)?不(?:喜欢|爱|吃|喝|养|住在)(.+?)了"), 1),
    (re.compile(r"我(?:已经)?(?:把)(.+?)(?:卖|送人|送走|扔)了"), 1),
    (re.compile(r"我(?:已经)?(?:从)(.+?)(?:辞职|离职)了"), 1),
    (re.compile(r"(?:之前|以前)?(?:说|讲)(?:的)?(.+?)(?:是我|我)?记错了"), 1),
    (re.compile(r"我(?:并)?不(?:对([\u4e00-\u9fff]{1,6}))?过敏"), 1),
    (re.compile(r"([\u4e00-\u9fffA-Za-z]{1,6})(?:已经)?送给(?:了)?(?:朋友|别人|亲戚|邻居)(?:养)?了"), 1),
    (re.compile(r"我不(?:再)?([\u4e00-\u9fff]{2,4}?)了"), 1),
]  # fmt: skip

_EN_RULES: list[Rule] = [
    ("plan", "plan:{obj}", re.compile(r"\b(?:I|we)(?:'m| am|'re| are) (?:heading|flying|leaving|going|taking|getting|starting|moving|visiting|having|seeing|meeting|running|doing|driving|traveling|travelling|attending|hosting|throwing|presenting|defending|interviewing) (.+)", re.I), 1, "future"),
    ("identity", "identity:name", re.compile(r"\b(?i:my name)(?:'s| is) ([A-Z][\w'-]+(?: [A-Z][\w'-]+)?)"), 1, ""),
    ("identity", "identity:name", re.compile(r"\b(?:call me|I'm called|I am called) ([A-Z][\w'-]+)"), 1, ""),
    ("identity", "identity:age", re.compile(r"\bI(?:'m| am| just turned| turned| will be| turn) (\d{1,3})(?: years old| yrs old| y/o| this year|\b)(?! (?:min|minutes|hours|km|miles|kg|lbs))"), 1, ""),
    ("identity", "identity:nationality", re.compile(r"\bI(?:'m| am) (?:a |an )?((?:[A-Z][a-z]+)(?:an|ese|ish|ian|ch|i|ic))\b(?! (?:food|restaurant|cuisine))"), 1, ""),
    ("identity", "identity:name", re.compile(r"\bI(?:'m| am) ([A-Z][a-z]{2,})(?: btw| by the way| here|[,.!]|$)"), 1, ""),
    ("identity", "identity:language:{obj}", re.compile(r"\bI (?:speak|can speak) (?:fluent )?([A-Z][a-z]+(?: and [A-Z][a-z]+)?)"), 1, ""),
    ("job", "job:employer", re.compile(r"\bI(?: currently| now)? work (?:at|for) ([A-Z][\w&.' -]+)"), 1, ""),
    ("job", "job:employer", re.compile(rf"\bI(?:'m| am)(?: currently| now)? (?:working as )?(?:a |an )?(?:[a-z-]+ ){{0,3}}(?:{_OCC}) (?:at|for|with) ([A-Z][\w&.' -]+)", re.I), 1, ""),
    ("job", "job:title", re.compile(rf"\bI(?:'m| am)(?: currently| now)? (?:working as )?(?:a |an )?((?:[a-z-]+ ){{0,3}}(?:{_OCC}))\b", re.I), 1, ""),
    ("job", "job:title", re.compile(r"\bI work as (?:a |an )?([\w -]+)", re.I), 1, ""),
    ("job", "job:title", re.compile(r"\bmy (?:job|profession|occupation) is (?:a |an )?([\w -]+)", re.I), 1, ""),
    ("job", "job:school", re.compile(r"\bI(?:'m| am)? (?:studying|majoring in|study|major in|doing a (?:phd|master'?s|degree) in) ([\w -]+?)(?: at ([A-Z][\w .'-]+))?(?:[,.!?]|$)", re.I), 1, ""),
    ("family", "family:partner", re.compile(r"\bI(?:'m| am| just got| got) (married|engaged|divorced|single|separated|widowed)\b", re.I), 1, ""),
    ("family", "family:{g1}", re.compile(rf"\bmy ((?:{_REL}))\b(?:,? [A-Z][a-z]+,?)?(?:'s| is| are| was| named| called| just| lives| works| has| loves| likes| turned| started| got)(.*)", re.I), 1, ""),
    ("family", "family:{obj}", re.compile(rf"\bI (?:have|got|adopted) (?:a |an |two |three |four |\d+ )?((?:little |baby |new |older |younger |twin )?(?:{_REL})s?)\b", re.I), 1, ""),
    ("place", "place:home", re.compile(r"\bI(?: currently| now| still)? (?:live|am living|'m living|reside|am based|'m based) in ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:home", re.compile(r"\bI(?: just| recently| finally)? (?:moved|relocated) (?:back )?(?:to|into) ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:origin", re.compile(r"\bI(?:'m| am| come| originally come) (?:originally )?from ([A-Z][\w .'-]+)"), 1, ""),
    ("place", "place:origin", re.compile(r"\b(?:I grew up in|I was born in|my hometown is) ([A-Z][\w .'-]+)"), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI(?:'m| am) (?:severely |very |mildly )?allergic to ([\w -]+)", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI(?:'m| am| have been| went) (vegetarian|vegan|pescatarian|lactose intolerant|gluten[- ]free|diabetic|pregnant|sober)\b", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI (?:have|was diagnosed with|suffer from) (asthma|diabetes|migraines?|high blood pressure|a bad back|celiac(?: disease)?|adhd|anxiety|insomnia|arthritis|a peanut allergy|[\w ]+ allergy)\b", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI (?:broke|sprained|injured|hurt|twisted) my ([\w ]+)", re.I), 1, ""),
    ("health", "health:{obj}", re.compile(r"\bI can(?:'t|not) (?:eat|drink|have) ([\w -]+)", re.I), 1, ""),
    ("dislike", "taste:{obj}", re.compile(rf"\bI {_ADV}(?:don't|do not|dont|never) (?:really )?(?:like|enjoy|love|eat|drink)\s+(.+)", re.I), 1, "neg"),
    ("dislike", "taste:{obj}", re.compile(rf"\bI {_ADV}(?:hate|despise|dislike|detest|loathe|can't do|cannot do|can't stand|cannot stand|can't bear|avoid)\s+(.+)", re.I), 1, "neg"),
    ("dislike", "taste:{obj}", re.compile(r"\bI(?:'m| am) (?:not a (?:big |huge )?fan of|not into|sick of|tired of)\s+(.+)", re.I), 1, "neg"),
    ("preference", "taste:{obj}", re.compile(r"\bI(?:'m| am) (?:so |totally |really |kind of |kinda )?(?:obsessed with|into|addicted to|hooked on|passionate about|a (?:huge |big )?fan of)\s+(.+)", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI(?:'m| am) an? (?:huge |big |massive |die-hard )?([\w ]+?) fan\b", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI (?:loved|liked|enjoyed|adored)\s+(.+)", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bmy (?:favou?rite|fave) [\w ]+? (?:is|are) (.+)", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"^([\w' -]{3,40}?) (?:is|are) (?:my|probably my) (?:favou?rite|fave) (?:thing|hobby|activity|sport|food|drink|pastime|way)\b", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\bI(?:'ve| have)? (?:started|taken up|took up|picked up|gotten into|got into) ([\w -]+)", re.I), 1, ""),
    ("family", "family:partner", re.compile(r"\bI(?:'m| am) (?:seeing|dating) (?:someone|somebody|(?:a )?(?:guy|girl|man|woman)\b|([A-Z][a-z]+))", re.I), 1, ""),
    ("family", "family:{obj}", re.compile(rf"\bwe (?:got|adopted) (?:a |an |another |a second |a new |new )+(?:pet,? )?(?:a |an )?((?:{_REL}))", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(rf"\bI {_ADV}(?:like|love|enjoy|adore|prefer|am into|'m into|am obsessed with|'m obsessed with|am a (?:big |huge )?fan of|'m a (?:big |huge )?fan of|am passionate about|'m passionate about)\s+(.+)", re.I), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"\b(?:I(?:'ve| have) been (?:learning|practicing|playing)|my hobby is|my hobbies are|I play|I collect|in my free time I)\s+(.+)", re.I), 1, ""),
    ("plan", "plan:{obj}", re.compile(r"\bI(?:'m| am) (?:going|planning|hoping|about|getting ready|preparing) to (.+)", re.I), 1, ""),
    ("plan", "plan:{obj}", re.compile(r"\bI (?:plan|intend|hope|want|need|decided|have decided|'ve decided) to (.+)", re.I), 1, "future"),
    ("plan", "plan:{obj}", re.compile(r"\bI(?:'ll| will|'m gonna| am gonna|'m going) (.+)", re.I), 1, "future"),
    ("plan", "plan:{obj}", re.compile(r"\bI have (?:a |an |my )?([\w -]*(?:appointment|interview|exam|meeting|flight|trip|wedding|surgery|date|test)\b.*)", re.I), 1, "future"),
    ("possession", "possession:{obj}", re.compile(r"\bI (?:just |recently |finally )?(?:bought|got|purchased|own|have|picked up) (?:a |an |my |myself a |myself an |two |new |a new |an old |a used )+([\w -]+)", re.I), 1, ""),
    ("event", "event", re.compile(r"\b(?:I|we|my \w+ and I)(?: finally| just| also)? (?:went|visited|attended|ran|finished|completed|started|won|met|saw|watched|took|had|made|celebrated|graduated|got|flew|drove|traveled|travelled|hiked|climbed|cooked|baked|painted|read|wrote|joined|passed|failed|lost|bought|adopted|spent|tried|learned|learnt|moved|came back|returned|gave|volunteered|performed|played|signed up|[a-z]+ed)\b(.*)", re.I), 1, "past"),
]  # fmt: skip

_ZH_RULES: list[Rule] = [
    ("identity", "identity:name", re.compile(r"我(?:的名字)?(?:叫|是叫|名叫)([\u4e00-\u9fffA-Za-z]{1,6}?)(?:[，,。！!]|$|，|今年)"), 1, ""),
    ("identity", "identity:name", re.compile(r"我的名字是([\u4e00-\u9fffA-Za-z]{1,6})"), 1, ""),
    ("identity", "identity:age", re.compile(r"(?:我(?:今年|现在|已经)?|今年)(\d{1,3}|[一二三四五六七八九十]{1,3})岁"), 1, ""),
    ("identity", "identity:age", re.compile(r"过完?了?(\d{1,3}|[一二三四五六七八九十]{1,3})岁(?:的)?生日"), 1, ""),
    ("place", "place:origin", re.compile(r"我(?:是|来自)([\u4e00-\u9fff]{1,6}?)人"), 1, ""),
    ("place", "place:origin", re.compile(r"我(?:来自|出生在|出生于|生在|老家在|老家是)([\u4e00-\u9fff]{1,8})"), 1, ""),
    ("place", "place:origin", re.compile(r"我(?:是)?在([\u4e00-\u9fff]{1,8}?)长大"), 1, ""),
    ("place", "place:home", re.compile(r"我(?:现在|目前|一直)?(?:住在|定居在|生活在|住)([\u4e00-\u9fff]{1,8})"), 1, ""),
    ("place", "place:home", re.compile(r"我(?:刚|最近|已经|上个月|去年)?(?:搬到|搬去|搬家到|移居到?)了?([\u4e00-\u9fff]{1,8})"), 1, ""),
    ("job", "job:employer", re.compile(r"我(?:现在|目前)?在([\u4e00-\u9fffA-Za-z]{1,10}?)(?:工作|上班|任职|实习)"), 1, ""),
    ("job", "job:employer", re.compile(r"我(?:跳槽|换工作|转行)(?:去|到)了?([\u4e00-\u9fffA-Za-z]{1,10}?)(?:了|$|，|,)"), 1, ""),
    ("job", "job:school", re.compile(r"我(?:现在|目前)?在([\u4e00-\u9fffA-Za-z]{1,10}?)(?:读书|上学|读研|读博|念书|读大学)"), 1, ""),
    ("job", "job:school", re.compile(r"我(?:的专业是|学的是|主修|在学|正在学)([\u4e00-\u9fffA-Za-z]{1,10})"), 1, ""),
    ("job", "job:title", re.compile(rf"我(?:是|当|做)(?:一名|一个|一位|个|名)?([\u4e00-\u9fffA-Za-z]{{0,4}}?(?:{_ZH_OCC}))"), 1, ""),
    ("job", "job:title", re.compile(r"我的(?:工作|职业)是([\u4e00-\u9fffA-Za-z]{1,10})"), 1, ""),
    ("family", "family:partner", re.compile(r"我(结婚|订婚|离婚|单身|分手)了?"), 1, ""),
    ("family", "family:{g1}", re.compile(rf"我(?:的|家)?({_ZH_REL})(.+)"), 1, ""),
    ("family", "family:pet", re.compile(r"我(?:有|养了|养着|家有)(?:一|两|三|\d)(?:只|条)([\u4e00-\u9fff]{1,4}?)(?:叫|，|,|$)"), 1, ""),
    ("family", "family:{obj}", re.compile(rf"我(?:有|养了|养着|家有)(?:一|两|三|四|\d)?(?:个|只|条|位)?((?:{_ZH_REL}))"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我对([\u4e00-\u9fffA-Za-z]{1,8})过敏"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我(?:是|吃)(素食者|素|纯素)|我(乳糖不耐受?|怀孕了|戒酒了|戒烟了)"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我有(高血压|糖尿病|哮喘|胃病|失眠|偏头痛|颈椎病|腰椎间盘突出|鼻炎|抑郁症|焦虑症)"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我的?([\u4e00-\u9fff]{1,3}?)(?:受伤|骨折|扭伤|摔伤)"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我不能(?:吃|喝)([\u4e00-\u9fff]{1,6})"), 1, ""),
    ("dislike", "taste:{obj}", re.compile(r"我(?:很|非常|特别|最|真的|一直|超|一点也|一点都)?(?:不喜欢|讨厌|受不了|不爱|反感|不太喜欢|烦|怕)(.+)"), 1, "neg"),
    ("dislike", "taste:{obj}", re.compile(r"我(?:从来)?不(?:吃|喝)(.+)"), 1, "neg"),
    ("preference", "taste:{obj}", re.compile(r"我最喜欢的[\u4e00-\u9fff]{1,6}?(?:是|变成了?|成了|换成了?)(.+)"), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"([\u4e00-\u9fffA-Za-z]{1,8}?)(?:真的|简直|绝对|就)?是我的最爱"), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"([\u4e00-\u9fffA-Za-z]{1,8}?)算是我的(?:爱好|兴趣)"), 1, ""),
    ("dislike", "taste:{obj}", re.compile(r"^([\u4e00-\u9fffA-Za-z]{1,6}?)我(?:是)?(?:真的|实在)?(?:受不了|不喜欢|讨厌)"), 1, "neg"),
    ("preference", "taste:{obj}", re.compile(r"我的爱好是(.+)"), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"我(?:很|非常|特别|最|超|也|挺|真的|一直|还|比较)?(?:喜欢|爱|热爱|爱吃|爱喝|偏爱|迷上了|迷上|沉迷于|着迷于|热衷于)(.+)"), 1, ""),
    ("plan", "plan:{obj}", re.compile(r"我(?:打算|计划|准备|决定|想要|要去|将要|会去|想去|想|要)(.+)"), 1, "future"),
    ("possession", "possession:{obj}", re.compile(r"我(?:刚|最近|新|终于)?(?:买了|入手了|有|拥有|新买了|刚买了)(?:一|两|\d)?(?:辆|台|套|把|部|个|块|双|件|栋|间)([\u4e00-\u9fffA-Za-z0-9]{1,10})"), 1, ""),
    ("event", "event", re.compile(r"(?:我|我们)(?:.{0,12}?)(去了|参加了|看了|吃了|见了|跑了|完成了|拿到了|做了|学了|考了|通过了|买了|去|回了|到了|爬了|办了|开始了|结束了|毕业了|生了|领养了|赢了|输了|认识了|庆祝了|搬了|旅行了|玩了|听了|写了|画了|发表了)(.*)"), 2, "past"),
]  # fmt: skip


def _slot(slot: str, obj: str, match: re.Match[str]) -> str:
    if "{g1}" in slot:
        rel = match.group(1).lower()
        return "family:partner" if rel in _PARTNER else f"family:{rel}"
    if "{obj}" in slot:
        key = norm(obj) or obj.lower()
        return slot.replace("{obj}", key[:80])
    return slot


# --- what the patterns see ------------------------------------------------------------------
# Chat speech puts fillers where the patterns expect a verb: "Yeah I'm still living in Boston",
# "I also really like green tea", "我最近还迷上了游泳", and often drops the subject: "Just turned
# 30 today". The patterns match a normalised copy of the clause (the stored value is the clause
# as said): leading interjections out, adverbs after the subject out, an implied "I" put back.
_EN_LEAD = re.compile(r"^(?:(?:yeah|yes|yep|yup|well|so|oh|ok|okay|honestly|btw|by the way|lol|"
                      r"haha|anyway|actually|fyi|also|and|but)\b[,!.]?\s*)+", re.I)  # fmt: skip
_EN_FILLER = re.compile(r"\b(I(?:'m| am|'ve| have)?) (?:(?:also|really|still|just|actually|honestly|"
                        r"totally|definitely|now|recently|lately|finally|even|kinda|literally|"
                        r"seriously|absolutely|truly|basically|currently|officially) )+", re.I)  # fmt: skip
_EN_NO_SUBJECT = re.compile(r"^(?:(?:just|finally|recently|also) )*(?=(?:turned|moved|sold|quit|left|"
                            r"started|bought|got|joined|adopted|picked up|took up|switched)\b)",
                            re.I)  # fmt: skip
_ZH_FILLER = re.compile(r"我(?:最近|现在|目前|也|还|又|刚刚|刚|已经|真的|特别|挺|平时|前阵子|前段时间|"
                        r"其实|一直|都|就|才|终于|好像|早就|这段时间)+(?=[\u4e00-\u9fff])")  # fmt: skip


def _for_matching(clause: str, zh: bool) -> str:
    if zh:
        return _ZH_FILLER.sub("我", clause)
    text = _EN_LEAD.sub("", clause)
    if _EN_NO_SUBJECT.match(text):
        text = "I " + _EN_NO_SUBJECT.sub("", text, count=1)
    return _EN_FILLER.sub(lambda m: m.group(1) + " ", text)


def _facts_in_clause(clause: str, lang: str, when: datetime) -> list[Candidate]:
    zh = lang == "zh"
    times = find_times(clause, when.date())
    past_times = [t for t in times if not t.future and t.precision != "week"]
    future_times = [t for t in times if t.future]
    value = _annotate(clause, times, zh)
    anchor = times[0] if times and times[0].precision != "week" else None
    occurred = datetime.combine(anchor.day, time(12), tzinfo=UTC) if anchor else None
    precision = anchor.precision if anchor else ""

    clause = _for_matching(clause, zh)
    for pattern, group in _ZH_RETRACT if zh else _EN_RETRACT:
        match = pattern.search(clause)
        if match:
            obj = _object(match.group(group) or match.group(0), zh)
            if obj:
                return [Candidate(kind="retraction", key="", value=value, lang=lang, obj=obj,
                                  retraction=True, confidence=0.7)]  # fmt: skip

    facts: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for kind, slot, pattern, group, flag in _ZH_RULES if zh else _EN_RULES:
        match = pattern.search(clause)
        if not match or any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if kind == "event" and facts:
            continue  # an event clause that already gave a fact is that fact
        raw = match.group(group) or "" if group else ""
        for ref in times:
            raw = raw.replace(ref.text, " ")
        obj = _object(raw, zh) if raw.strip() else ""
        if kind == "event":
            if not past_times and not _strong_event(clause, zh):
                continue
            facts.append(Candidate(kind="event", key="event", value=value, lang=lang,
                                   obj=obj, occurred_at=occurred, time_precision=precision,
                                   confidence=0.7))  # fmt: skip
            break
        if flag == "future" and not (future_times or _intent(clause, zh)):
            continue
        if not obj and kind != "family":
            continue
        if not (kind == "job" and slot == "job:employer"):
            taken.append(match.span())
        facts.append(
            Candidate(
                kind=kind, key=_slot(slot, obj, match), value=value, lang=lang, obj=obj,
                polarity=-1 if flag == "neg" else 1,
                occurred_at=occurred if kind in {"plan", "event"} else None,
                time_precision=precision if kind in {"plan", "event"} else "",
                confidence=0.8 if kind in PROFILE_KINDS else 0.7,
            )
        )  # fmt: skip
    if not facts and _SELF.search(clause):
        # A self-statement with a time that no rule named: a dated event or plan all the same.
        if past_times:
            facts.append(Candidate(kind="event", key="event", value=value, lang=lang,
                                   occurred_at=occurred, time_precision=precision,
                                   confidence=0.6))  # fmt: skip
        elif future_times:
            facts.append(Candidate(kind="plan", key=f"plan:{norm(clause)[:60]}", value=value,
                                   lang=lang, occurred_at=occurred, time_precision=precision,
                                   confidence=0.6))  # fmt: skip
    return facts


_SELF = re.compile(r"\b(?:I|we|my)\b|我", re.I)
_EN_INTENT = re.compile(r"\b(plan|intend|decided|going to|gonna|'ll|will|hope to|want to)\b", re.I)
_ZH_INTENT = re.compile(r"打算|计划|准备|决定|将要|想要|要去|下周|明年|明天|下个月")
_EN_STRONG_EVENT = re.compile(r"\b(went|visited|attended|ran|finished|completed|graduated|won|"
                              r"celebrated|adopted|married|traveled|travelled|flew|moved)\b", re.I)  # fmt: skip
_ZH_STRONG_EVENT = re.compile(
    r"去了|参加了|完成了|毕业了|领养了|结婚了|旅行了|拿到了|考了|通过了|赢了"
)


def _intent(clause: str, zh: bool) -> bool:
    return bool((_ZH_INTENT if zh else _EN_INTENT).search(clause))


def _strong_event(clause: str, zh: bool) -> bool:
    return bool((_ZH_STRONG_EVENT if zh else _EN_STRONG_EVENT).search(clause))


_QUESTION = re.compile(r"[?？]\s*$|^(?:can|could|would|will|do|does|did|is|are|what|how|why|when|"
                       r"where|who|which|should)\b|(?:吗|呢|么)[?？]?$|^请|^帮我|^能不能|^可以", re.I)  # fmt: skip
_HYPOTHETICAL = re.compile(r"^\s*(?:if|when|whether|maybe|perhaps|I wish|I'd|I would)\b|如果|要是|假如|"
                           r"假设|也许|可能|要不是|希望", re.I)  # fmt: skip


def clauses(content: str) -> list[str]:
    content = _SPEAKER.sub("", content)
    parts = [p.strip().rstrip(",，;；、").strip() for p in _CLAUSES.split(content)]
    return [p for p in parts if p and len(p) > 1]


def extract(
    content: str, *, when: datetime, role: str = "user", source_ids: list[int] | None = None
) -> list[Candidate]:
    """The facts a user turn states about its speaker. Assistant and system turns state none."""
    if role != "user" or not content.strip():
        return []
    out: list[Candidate] = []
    for clause in clauses(content):
        if _QUESTION.search(clause) or _HYPOTHETICAL.search(clause):
            continue
        lang = "zh" if _is_zh(clause) else "en"
        for fact in _facts_in_clause(clause, lang, when):
            fact.source_ids = list(source_ids or [])
            fact.tags = [fact.kind] if fact.kind != "retraction" else []
            out.append(fact)
    return _dedupe(out)


def _dedupe(facts: list[Candidate]) -> list[Candidate]:
    seen: set[tuple[str, str]] = set()
    out = []
    for fact in facts:
        marker = (fact.key, norm(fact.value))
        if marker in seen:
            continue
        seen.add(marker)
        out.append(fact)
    return out
