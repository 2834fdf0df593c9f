# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""Chinese relation rules (traditional text arrives simplified, see `normalise.prepare`).

A sentence is cut at commas into clauses; a clause without a subject of its own takes the one
before it (我住在上海，在一家银行工作: 我 works there too). Kinship mentions come first: 我女儿
小美喜欢画画 gives (USER, parent_of, 小美) and (小美, likes, 画画); a name right after a kinship
word is the next rjieba token when its part of speech says noun or name. Questions, negations,
plans, suppositions and ended facts (以前, 曾经, 辞职) give nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import rjieba

from apps.graph.extraction.english import Context, Found
from apps.graph.extraction.triple import USER

ME = r"(?:我|俺|咱|本人)"
KIN = {
    "parent_of": "女儿|儿子|孩子|闺女|大女儿|小女儿|大儿子|小儿子|宝宝|宝贝女儿|宝贝儿子",
    "child_of": "妈妈|妈|母亲|老妈|爸爸|爸|父亲|老爸|娘|爹",
    "sibling_of": "哥哥|哥|姐姐|姐|弟弟|弟|妹妹|妹|兄弟|姐妹|大哥|二哥|大姐|二姐|小弟|小妹|双胞胎哥哥|双胞胎姐姐",
    "married_to": "老婆|妻子|太太|爱人|老公|丈夫|先生|媳妇",
    "friend_of": "好朋友|朋友|闺蜜|好友|哥们|哥们儿|死党|发小|好哥们",
    "owns": "狗狗|狗|猫咪|猫|小狗|小猫|宠物|兔子|鹦鹉|仓鼠|金毛|柯基|哈士奇|泰迪|柴犬|边牧|"
    "拉布拉多|布偶猫|英短|橘猫|乌龟|金鱼|马",
}
_KIN_WORDS = {w: pred for pred, words in KIN.items() for w in words.split("|")}
KIN_ALT = "|".join(sorted(_KIN_WORDS, key=len, reverse=True))
OCC = (
    "老师|教师|医生|护士|工程师|程序员|设计师|学生|大学生|研究生|博士生|律师|会计|销售|经理|"
    "厨师|司机|记者|作家|研究员|教授|产品经理|公务员|主播|演员|歌手|警察|画家|摄影师|"
    "自由职业者|创业者|老板|实习生|运营|咨询师|分析师|建筑师|药剂师|牙医|飞行员|快递员|"
    "外卖员|店长|编辑|翻译|导游|保安|农民|工人|会计师|审计|秘书|前端|后端|全栈|测试|总监|"
    "主管|总裁|董事长|CEO|CTO|创始人|合伙人|科学家|医师|律师|法官|军人|消防员|程序猿|"
    "数据科学家|算法工程师|架构师|讲师|校长|主任|院长|员工|职员|助理|顾问|博士|硕士|"
    "软件工程师|前端工程师|后端工程师|产品|UI设计师|店员|收银员|厨子|面包师|教练|"
    "社工|志愿者|兽医|药师|记者|编剧|导演|制片人|模特|网红|博主|UP主"
)
ZH = r"\u4e00-\u9fff"
ENT = rf"[{ZH}A-Za-z0-9&·.\- ]{{1,16}}?"
_END = r"(?=[，,。！!？?；;、]|$|的|了|和|跟|与|里|上班|工作|读书|上学)"
GROUPISH = re.compile(
    r"俱乐部|协会|社团|乐队|合唱团|球队|队|社|学会|工会|团|小组|委员会|党|联盟|联合会|读书会|车队|战队"
)
SCHOOLISH = re.compile(
    r"大学|学院|中学|小学|学校|高中|初中|研究生院|University|College|School|Institute", re.I
)

_NEGATION = re.compile(
    r"不(?!错|少|久|过|断|仅|但|管|论|同|然|如|好意思)|没|別|别|未|非|无|从未|不再|以前|曾经|之前|"
    r"过去|原来|当年|那时|小时候|离开了|辞职|离职|分手|离婚|去世|走了|卖了|卖掉|送人|退出|退休了|"
    r"搬走|搬离|戒了|前妻|前夫|前任|被裁|失业"
)
_PLAN = re.compile(
    r"打算|计划|准备|想要|想去|想在|想当|想成为|想学|想买|想养|想搬|将要|将会|即将|会去|要去|要搬|"
    r"希望|明年|下个月|下周|以后|将来|未来|也许|可能|大概|如果|要是|假如|假设|万一|梦想|申请|"
    r"考虑|说不定|估计|据说|听说|他说|她说|觉得|认为|以为|猜"
)
_ASK = re.compile(r"吗|什么|哪|谁|几|怎么|为什么|是不是|有没有|难道|多少|呢$|么$")


def gives_nothing(clause: str) -> bool:
    return bool(_NEGATION.search(clause) or _PLAN.search(clause) or _ASK.search(clause))


_SPLIT = re.compile(r"[，,、；;：:](?!叫|名叫|名字叫)|(?=但是|不过|而且|并且|可是)")
_SUBJ_LEAD = re.compile(rf"^(?:{ME}|他|她|[{ZH}]{{2,3}}(?=在|住|是|喜欢|有|毕业)|[A-Z][a-z]+)")


def clauses(sentence: str) -> list[str]:
    out: list[str] = []
    subject = ""
    for piece in _SPLIT.split(sentence):
        piece = re.sub(
            r"^(?:但是|不过|而且|并且|可是|然后|还|也|另外)", "", piece.strip(" 。！!？?")
        )
        if not piece:
            continue
        if (
            re.match(
                r"^(?:在|住|是|喜欢|很喜欢|爱|有|养|毕业|现在|目前|一直|也|还|平时|特别|非常|最)",
                piece,
            )
            and subject
        ):
            piece = subject + piece
        lead = re.match(rf"^(?:{ME}(?:的|家)?(?:{KIN_ALT})?|他|她)", piece)
        if lead:
            subject = lead.group(0)
        out.append(piece)
    return out


def _name_after(rest: str) -> str:
    """The name right after a kinship word: after 叫/名叫, up to the next punctuation or verb; else
    the next rjieba token when it is a name or a noun."""
    called = re.match(
        rf"^(?:的名字)?(?:叫做|叫|名叫|名字叫|是)\s*([{ZH}A-Za-z·]{{1,8}}?)(?=[，,。！!？?；;\s]|$|今年|在|是|住|喜欢|很|也|已经|现在)",
        rest,
    )
    if called:
        return called.group(1)
    rest = rest.lstrip(" ，,")
    latin = re.match(r"^([A-Z][a-z]+(?: [A-Z][a-z]+)?)", rest)
    if latin:
        return latin.group(1)
    tokens = rjieba.tag(rest[:12])
    if not tokens:
        return ""
    word, tag = tokens[0]
    if (
        tag in {"nr", "nrt", "nrfg", "j", "eng", "nz"}
        and word not in _KIN_WORDS
        and 1 < len(word) <= 4
    ):
        return word
    return ""


def _kinship(clause: str, ctx: Context) -> tuple[str, list[Found]]:
    found: list[Found] = []
    text = clause

    def add(word: str, name: str) -> None:
        predicate = _KIN_WORDS[word]
        if predicate != "owns":
            ctx.person(name)
        found.append(
            (USER, "Person", predicate, name, "Thing" if predicate == "owns" else "Person", 0.85)
        )

    # 我(的)女儿(叫)小美 / 我最好的朋友张伟
    for match in re.finditer(
        rf"{ME}(?:的|家)?(?:最好的|好|亲|大|小|二)?(?:的)?({KIN_ALT})", clause
    ):
        name = _name_after(clause[match.end() :])
        if name:
            add(match.group(1), name)
            text = text.replace(clause[match.start() : match.end()], "", 1)
    # 小美是我女儿 / 张伟是我最好的朋友
    for match in re.finditer(
        rf"([{ZH}]{{2,3}}|[A-Z][a-z]+)是{ME}(?:的)?(?:最好的|好)?(?:的)?({KIN_ALT})", clause
    ):
        add(match.group(2), match.group(1))
    # 我有一只狗叫旺财 / 我养了一只猫，叫咪咪 / 我有个女儿叫小美
    for match in re.finditer(
        rf"{ME}(?:家)?(?:有|养了|养着|领养了|收养了|生了)(?:一|两|三|\d)?(?:只|条|个|匹|位)?({KIN_ALT})[，,]?(?:叫做|叫|名叫|名字叫)([{ZH}A-Za-z]{{1,6}}?)(?=[，,。！!？?；;\s]|$|今年|已经)",
        clause,
    ):
        add(match.group(1), match.group(2))
    # 我和小丽结婚了 / 我嫁给了张伟 / 我娶了王芳
    for match in re.finditer(
        rf"{ME}(?:和|跟|与)([{ZH}]{{2,3}}|[A-Z][a-z]+)(?:已经)?(?:结婚|成家|领证)|{ME}(?:嫁给了?|娶了)([{ZH}]{{2,3}}|[A-Z][a-z]+)",
        clause,
    ):
        name = match.group(1) or match.group(2)
        ctx.person(name)
        found.append((USER, "Person", "married_to", name, "Person", 0.85))
    # 我和张伟是好朋友 / 我跟小明是兄弟
    for match in re.finditer(
        rf"{ME}(?:和|跟|与)([{ZH}]{{2,3}}|[A-Z][a-z]+)是(?:最好的|好|老)?(朋友|兄弟|姐妹|兄妹|姐弟|闺蜜|发小)",
        clause,
    ):
        predicate = "friend_of" if match.group(2) in {"朋友", "闺蜜", "发小"} else "sibling_of"
        ctx.person(match.group(1))
        found.append((USER, "Person", predicate, match.group(1), "Person", 0.8))
    return text, found


_S = rf"(?P<s>{ME}|他|她|[{ZH}]{{2,3}}?|[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
_ADV = r"(?:现在|目前|一直|还|也|都|已经|正|正在|刚|平时|很|非常|特别|最|真的|超|挺|比较|本人)*"

RULES: list[tuple[re.Pattern[str], str, float]] = [
    (re.compile(rf"^{_S}{_ADV}在(?P<o>{ENT})(?:当|做|担任|任)(?:一名|一个|个|名)?(?P<r>[{ZH}A-Za-z]{{0,6}}?(?:{OCC}))"), "works_at", 0.85),
    (re.compile(rf"^{_S}{_ADV}在(?P<o>{ENT})(?:工作|上班|任职|实习|打工|供职)"), "works_at", 0.85),
    (re.compile(rf"^{_S}{_ADV}(?:就职于|供职于|任职于|受雇于)(?P<o>{ENT}){_END}"), "works_at", 0.85),
    (re.compile(rf"^{_S}{_ADV}(?:入职|加入|进)了?(?P<o>(?!.*(?:{GROUPISH.pattern})){ENT}){_END}"), "works_at", 0.75),
    (re.compile(rf"^{_S}{_ADV}是(?P<o>{ENT})的(?P<r>[{ZH}A-Za-z]{{0,6}}?(?:{OCC}))"), "works_at", 0.8),
    (re.compile(rf"^{_S}{_ADV}(?:是|当|做|担任)(?:一名|一个|一位|个|名|位)?(?P<o>[{ZH}A-Za-z]{{0,6}}?(?:{OCC}))(?=$|[，,。！!])"), "has_role", 0.8),
    (re.compile(rf"^{_S}的(?:工作|职业)是(?P<o>[{ZH}A-Za-z]{{1,10}})"), "has_role", 0.75),
    (re.compile(rf"^{_S}{_ADV}(?:住在|生活在|定居在|居住在|住|定居于|居住于|长居)(?P<o>{ENT}){_END}"), "lives_in", 0.85),
    (re.compile(rf"^{_S}家(?:住)?在(?P<o>{ENT}){_END}"), "lives_in", 0.75),
    (re.compile(rf"^{_S}{_ADV}(?:搬到|搬去|搬来|移居到?)了?(?P<o>{ENT}){_END}"), "lives_in", 0.75),
    (re.compile(rf"^{_S}{_ADV}(?:出生在|出生于|生在|生于|出生地是)(?P<o>{ENT}){_END}"), "born_in", 0.9),
    (re.compile(rf"^{_S}(?:是)?在(?P<o>{ENT})(?:出生|出世)"), "born_in", 0.85),
    (re.compile(rf"^{_S}{_ADV}(?:毕业于|就读于|在读于)(?P<o>{ENT}){_END}"), "studied_at", 0.85),
    (re.compile(rf"^{_S}{_ADV}(?:在|从)(?P<o>{ENT})(?:读书|上学|读大学|读研|读博|念书|学习|留学|毕业|读本科|读高中|读硕士|读博士)"), "studied_at", 0.85),
    (re.compile(rf"^{_S}{_ADV}是(?P<o>{ENT})(?:毕业的|的学生|的校友|的研究生|的博士生|的本科生)"), "studied_at", 0.85),
    (re.compile(rf"^{_S}{_ADV}(?P<o>[{ZH}A-Za-z]{{2,12}}?(?:大学|学院))毕业"), "studied_at", 0.8),
    (re.compile(rf"^{_S}{_ADV}是(?P<o>{ENT})的(?:成员|会员|一员|队员|党员|团员|社员)"), "member_of", 0.85),
    (re.compile(rf"^{_S}{_ADV}(?:加入了?|参加了?|在)(?P<o>[{ZH}A-Za-z0-9]{{0,10}}(?:{GROUPISH.pattern})){_END}"), "member_of", 0.75),
    (re.compile(rf"^{_S}{_ADV}(?:喜欢|热爱|爱上了|迷上了|爱吃|爱喝|爱看|爱玩|爱|钟爱|偏爱|酷爱)(?P<o>[{ZH}A-Za-z0-9 ]{{1,12}}?)(?=$|[，,。！!]|了)"), "likes", 0.8),
    (re.compile(rf"^{_S}最(?:喜欢|爱)的[{ZH}]{{1,6}}?是(?P<o>[{ZH}A-Za-z0-9 ]{{1,12}}?)(?=$|[，,。！!]|了)"), "likes", 0.75),
    (re.compile(rf"^(?P<o>[{ZH}A-Za-z]{{1,8}}?)是{_S}的最爱"), "likes", 0.75),
    (re.compile(rf"^{_S}{_ADV}(?:有|买了|养了|养着|拥有|开着|开的是)(?:一|两|三|\d)?(?:辆|台|只|条|套|栋|间|部|个|匹|架|艘|座|家)(?P<o>[{ZH}A-Za-z0-9 ]{{1,10}}?)(?=$|[，,。！!]|了)"), "owns", 0.75),
    (re.compile(rf"^(?P<s>{ENT})(?:的)?(?:总部)?(?:位于|坐落于|坐落在|设在|地处)(?P<o>{ENT}){_END}"), "located_in", 0.85),
    (re.compile(rf"^(?P<s>[{ZH}A-Za-z]{{2,10}}?)(?:的)?总部在(?P<o>{ENT}){_END}"), "located_in", 0.85),
    (re.compile(rf"^(?P<s>[{ZH}A-Za-z]{{2,10}}?)是(?P<o>[{ZH}A-Za-z]{{2,6}}?)的(?:首都|省会|一个城市|城市|一座城市|一个省|省份|一个州|一部分)"), "located_in", 0.85),
]  # fmt: skip
_OBJ_VERB = re.compile(r"^(?:吃|喝|看|听|玩|打|踢|弹|拉|做|去|养|逛|画)(?=[\u4e00-\u9fff]{2})")


def _subject(raw: str, ctx: Context) -> tuple[str, str] | None:
    if re.match(rf"^{ME}.", raw):  # 我妈妈 without a name: nobody the graph can hold
        return None
    if re.fullmatch(ME, raw):
        return USER, "Person"
    if raw in {"他", "她"}:
        return (ctx.last_person, "Person") if ctx.last_person else None
    if raw in {"我们", "他们", "她们", "它", "这", "那", "大家", "你", "您"}:
        return None
    return raw, "Person"


def extract_clause(clause: str, ctx: Context) -> Iterator[Found]:
    if gives_nothing(clause):
        return
    text, kin = _kinship(clause, ctx)
    yield from kin
    # after a kinship mention, the name stands for it: 我女儿小美喜欢画画 -> 小美喜欢画画
    for _, _, _, name, _, _ in kin:
        text = re.sub(rf"^(?:叫做|叫|名叫|名字叫)?{re.escape(name)}", name, text)
    texts = [text] if text == clause else [text, clause]
    seen: set[tuple[str, str]] = set()
    for candidate in texts:
        for pattern, predicate, confidence in RULES:
            match = pattern.search(candidate)
            if not match:
                continue
            found = _triple(match, predicate, confidence, ctx)
            if found and (found[0], predicate) not in seen:
                seen.add((found[0], predicate))
                yield found
                role = match.groupdict().get("r")
                if role:
                    seen.add((found[0], "has_role"))
                    yield (found[0], found[1], "has_role", role, "Role", 0.8)
        if seen:
            break


def _triple(match: re.Match[str], predicate: str, confidence: float, ctx: Context) -> Found | None:
    if predicate == "located_in":
        subject = match.group("s").strip()
        if subject in ctx.persons or re.match(rf"^{ME}|^他|^她", subject):
            return None
        subject_type = (
            "Organization" if not re.search(r"[市省县区州国镇村岛]$", subject) else "Place"
        )
    else:
        raw = match.group("s")
        resolved = _subject(raw, ctx) if raw else (USER, "Person")
        if not resolved:
            return None
        subject, subject_type = resolved
        if subject != USER:
            ctx.person(subject)
    obj = match.group("o").strip()
    obj = re.sub(r"^(?:一家|一所|一个|这家|那家|本地的?|当地的?)", "", obj)
    obj = re.sub(r"(?:的|里|这里|那里|那边|这边|附近)$", "", obj)
    if predicate == "likes":
        obj = _OBJ_VERB.sub("", obj)
    if "叫" in obj:
        return None
    if not obj or obj in {"我", "这", "那", "这里", "那里", "家", "他", "她", "它"}:
        return None
    kind = {"works_at": "Organization", "has_role": "Role", "lives_in": "Place",
            "born_in": "Place", "studied_at": "School", "member_of": "Group", "likes": "Thing",
            "owns": "Thing", "located_in": "Place"}[predicate]  # fmt: skip
    if predicate == "works_at" and SCHOOLISH.search(obj):
        kind = "School"
    return (subject, subject_type, predicate, obj, kind, confidence)
