# ruff: noqa: E501  (regular expressions: a pattern reads best on one line)
"""Chinese relation rules (the tables are in chinese_rules; traditional text arrives simplified,
see `normalise.prepare`).

A sentence is cut at commas into clauses; a clause without a subject of its own takes the one
before it (我住在上海，在一家银行工作 / 张伟在华为上班，住在东莞). Kinship mentions come first:
我女儿小美喜欢画画 gives (USER, parent_of, 小美) and (小美, likes, 画画); the name after a kinship
word ends where a verb, an adverb or punctuation starts (rjieba's tags when that finds none).
王梅的女儿李雪 gives (王梅, parent_of, 李雪), 李华是王梅的儿子 (李华, child_of, 王梅), 王强和刘敏
结婚了 (王强, married_to, 刘敏); 他/她 is the last person named, 他们 the last two. Questions,
negations, plans, suppositions, hearsay and ended facts (以前, 曾经, 辞职) give nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import rjieba

from apps.graph.extraction import chinese_rules as t
from apps.graph.extraction.triple import OBJECT_TYPE, USER, Context, Found

_SPLIT = re.compile(
    r"[，,、；;：:~～](?!叫|名叫|名字叫)|(?=但是|不过|而且|并且|可是)|\s+(?=[我俺咱他她])"
)
_CARRY = re.compile(
    r"^(?:超级|超|贼|真的|在|住|是|喜欢|很喜欢|爱|有|养|毕业|现在|目前|一直|也|还|平时|特别|非常|最|今年|已经|当|做|担任|负责|就读|出生|生于|加入|开了|买了|正在|刚)"
)


_HAN_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])")


def gives_nothing(clause: str) -> bool:
    return bool(t.NEGATION.search(clause) or t.PLAN.search(clause) or t.ASK.search(clause))


def extract_sentence(sentence: str, ctx: Context) -> list[Found]:
    """Every clause of a sentence, each with the subject it carries."""
    found: list[Found] = []
    carried = ""
    owner = ""  # who owns the pets this sentence counts: 两只兔子，一只叫雪球，一只叫布丁
    for piece in _SPLIT.split(sentence):
        piece = re.sub(
            r"^(?:但是|不过|而且|并且|可是|然后|另外|对了|话说|其实|哈哈+|嗯+|诶|哎|但|而|可)",
            "",
            piece.strip(" 。！!？?~"),
        )
        piece = _HAN_SPACE.sub(
            "", piece
        )  # 我老公 Mike 是 nurse: no space next to a Chinese character
        if not piece:
            continue
        if _CARRY.match(piece) and carried:
            piece = carried + piece
        pet = re.match(
            rf"^(?:一只|一条|另一只|另外一只|还有一只|一个|小的|大的|老大|老二)?(?:叫做|叫|名叫)(?P<n>{t.PERSON})",
            piece,
        )
        if pet and owner:
            found.append((owner, "Person", "owns", pet.group("n"), "Thing", 0.8))
            continue
        got = list(extract_clause(piece, ctx))
        found += got
        if re.search(
            rf"{t.ME}(?:家里?|们家)?(?:有|养了|养着)(?:一|两|三|四|几|\d)(?:只|条)", piece
        ):
            owner = USER
        if got:
            first = got[-1][0] if got[-1][2] != "owns" and got[-1][0] != USER else got[0][0]
            carried = "我" if first == USER else first
            names = [f[3] for f in got if f[0] == USER and f[4] == "Person"]
            if names and re.match(rf"^{t.ME}(?:的|家)?\S{{0,4}}?(?:{t.ANY_KIN})", piece):
                carried = names[-1]
        elif re.match(rf"^{t.ME}|^(?:I|I'm|I've|My|my)\b", piece):
            carried = "我"
    named = {f[0] for f in found if f[2] == "owns" and f[3] not in t.KIN_WORDS}
    return [f for f in found if not (f[2] == "owns" and f[3] in t.KIN_WORDS and f[0] in named)]


# --- kinship --------------------------------------------------------------------------------


def _name_after(rest: str) -> str:
    """The name right after a kinship word (see the module docstring)."""
    called = re.match(
        rf"^[，,]?(?:的名字)?(?:叫做|叫|名叫|名字叫|名字是)\s*([{t.ZH}A-Za-z·]{{1,8}}?)(?=[，,。！!？?；;\s]|$|今年|在|是|住|喜欢|很|也|已经|现在)",
        rest,
    )
    if called:
        return called.group(1)
    rest = rest.lstrip(" ，,")
    latin = re.match(r"^([A-Z][a-z]+(?: [A-Z][a-z]+)?)", rest)
    if latin:
        return latin.group(1)
    named = re.match(rf"^({t.NAME}){t.BOUND}", rest)
    if named and named.group(1) not in t.KIN_WORDS:
        return named.group(1)
    tokens = rjieba.tag(rest[:12])
    if tokens:
        word, tag = tokens[0]
        if (
            tag in {"nr", "nrt", "nrfg", "j", "eng", "nz"}
            and word not in t.KIN_WORDS
            and 1 < len(word) <= 4
        ):
            return word
    return ""


_INVERSE = {"parent_of": "child_of", "child_of": "parent_of"}
_REL_OF_B = {"儿子": "child_of", "女儿": "child_of", "孩子": "child_of", "闺女": "child_of",
             "父亲": "parent_of", "母亲": "parent_of", "爸爸": "parent_of", "妈妈": "parent_of"}  # fmt: skip


def kinship(clause: str, ctx: Context) -> tuple[str, list[Found]]:
    found: list[Found] = []
    text = clause

    def add(subject: str, word: str, name: str) -> None:
        predicate = t.KIN_WORDS.get(word, "")
        if predicate != "owns":
            ctx.person(name)
        if predicate:
            kind = "Thing" if predicate == "owns" else "Person"
            found.append((subject, "Person", predicate, name, kind, 0.85))

    # 我(的)女儿(叫)小美 / 我最好的朋友张伟 / 我和妻子周婷
    for match in re.finditer(
        rf"(?P<me>{t.ME}(?:们家的?|们的|家里的?|的|家|家的|和|跟|与)?)(?:最好的|好|亲|大|小|二|多年的|老)?(?:的)?(?P<kin>{t.ANY_KIN})",
        clause,
    ):
        name = _name_after(clause[match.end() :])
        if name:
            add(USER, match.group("kin"), name)
            span = clause[match.start() : match.end()]
            joined = match.group("me")[-1] in "和跟与"
            text = text.replace(
                span + clause[match.end() :].split(name, 1)[0] + name, "我" if joined else name, 1
            )
    # 小美是我女儿 / 张伟是我最好的朋友
    for match in re.finditer(
        rf"({t.PERSON})是{t.ME}(?:的)?(?:最好的|好|多年的)?(?:的)?({t.ANY_KIN})", clause
    ):
        add(USER, match.group(2), match.group(1))
    # 我有一只狗叫旺财 / 我养了一只猫，名字叫咪咪 / 我有个女儿叫小美
    for match in re.finditer(
        rf"(?P<who>{t.ME}|{t.PERSON}|他|她)(?:家)?(?:里)?(?:有|养了|养着|领养了|收养了|生了|捡了)(?:一|两|三|\d)?(?:只|条|个|匹|位)?(?P<kin>{t.KIN_ALT})[，,]?(?:名字)?(?:叫做|叫|名叫)(?P<n>{t.PERSON}|[{t.ZH}]{{1,4}}?)(?=[，,。！!？?；;\s]|$|今年|已经)",
        text,
    ):
        who = _subjects(match.group("who"), ctx)
        if who:
            add(who[0], match.group("kin"), match.group("n"))
    # 王梅的女儿李雪 -> (王梅, parent_of, 李雪); 李华是王梅的儿子 -> (李华, child_of, 王梅)
    for match in re.finditer(
        rf"(?<![我俺咱])(?P<a>{t.PERSON})的(?P<kin>{t.ANY_KIN})(?:叫)?(?P<b>{t.PERSON}){t.BOUND}",
        text,
    ):
        add(match.group("a"), match.group("kin"), match.group("b"))
        text = text.replace(match.group(0), match.group("b"), 1)
    for match in re.finditer(
        rf"(?<![和跟与])(?P<b>{t.PERSON})是(?P<a>(?![我俺咱]|多年|最好|很好|非常){t.PERSON})的(?P<kin>{t.ANY_KIN})",
        text,
    ):
        predicate = t.KIN_WORDS.get(match.group("kin"), "")
        if predicate and predicate != "owns":
            ctx.persons.update({match.group("a"), match.group("b")})
            found.append(
                (
                    match.group("b"),
                    "Person",
                    _INVERSE.get(predicate, predicate),
                    match.group("a"),
                    "Person",
                    0.8,
                )
            )
    # 我和小丽结婚了 / 我嫁给了张伟 / 王强和刘敏结婚了 / 李雷和韩梅梅是夫妻
    for match in re.finditer(
        rf"(?P<a>{t.ME}|{t.PERSON})(?:和|跟|与)(?P<b>{t.PERSON})(?:已经|早就|去年|前年)?(?:结婚|成家|领证|是夫妻|是两口子)|(?P<c>{t.ME})(?:嫁给了?|娶了)(?P<d>{t.PERSON})",
        text,
    ):
        a, b = match.group("a") or match.group("c"), match.group("b") or match.group("d")
        subject = USER if re.fullmatch(t.ME, a) else a
        ctx.persons.add(b)
        if subject != USER:
            ctx.persons.add(subject)
            ctx.pair = (subject, b)
        found.append((subject, "Person", "married_to", b, "Person", 0.85))
    # 我和张伟是好朋友 / 我跟小明是兄弟
    for match in re.finditer(
        rf"(?P<a>{t.ME}|{t.PERSON})(?:和|跟|与)(?P<b>{t.PERSON})是(?:最好的|好|老|多年的|多年|铁|亲)?(?:的)?(?P<what>好朋友|朋友|兄弟|姐妹|兄妹|姐弟|闺蜜|发小|同学|同事|哥们)",
        text,
    ):
        what = match.group("what")
        predicate = (
            "friend_of"
            if what in {"好朋友", "朋友", "闺蜜", "发小", "哥们"}
            else "sibling_of"
            if what in {"兄弟", "姐妹", "兄妹", "姐弟"}
            else ""
        )
        subject = USER if re.fullmatch(t.ME, match.group("a")) else match.group("a")
        ctx.persons.add(match.group("b"))
        if predicate:
            found.append((subject, "Person", predicate, match.group("b"), "Person", 0.8))
    return text, found


# --- relations --------------------------------------------------------------------------------


def _subjects(raw: str | None, ctx: Context) -> list[str]:
    if raw is None or re.fullmatch(
        rf"{t.ME}|(?:我们|咱们|我|俺|咱)(?:一)?家\S{{0,2}}|我们全家", raw
    ):
        return [USER]
    if re.match(rf"^{t.ME}.", raw):  # 我妈妈 without a name: nobody the graph can hold
        return []
    if raw in {"他", "她"}:
        return [ctx.last_person] if ctx.last_person else []
    if raw in {"他们", "她们"}:
        return list(ctx.pair)
    if raw in {"我们", "它", "这", "那", "大家", "你", "您", "公司", "家里"}:
        return []
    return [raw]


def extract_clause(clause: str, ctx: Context) -> Iterator[Found]:
    if gives_nothing(clause):
        return
    text, kin = kinship(clause, ctx)
    yield from kin
    named_pet = any(f[2] == "owns" for f in kin)
    seat = re.match(
        rf"^(?:公司|总部|学校|单位|我们公司|他们公司|她们公司|我们学校)(?:就|也)?(?:在|位于|设在)(?P<o>{t.ENT}){t.END}",
        text,
    )
    if seat and ctx.last_org:  # 我是小米的销售经理，公司在北京
        yield (ctx.last_org, "Organization", "located_in", seat.group("o"), "Place", 0.75)
        return
    seen: set[tuple[str, str]] = set()
    for pattern, predicate, confidence in t.RULES:
        match = pattern.search(text)
        if not match or (predicate == "owns" and named_pet):
            continue
        for found in _triples(match, predicate, confidence, ctx):
            if (found[0], found[2]) in seen:
                continue
            seen.add((found[0], found[2]))
            yield found


def _object(raw: str, predicate: str) -> str:
    obj = raw.strip()
    obj = re.sub(r"^(?:一家|一所|一个|一支|这家|那家|当地的?|我们|我的|我们的)", "", obj)
    obj = re.sub(
        r"[一二三四五六七八九十两几半\d]+多?(?:年|个月|天|周|个星期)多?$", "", obj
    )  # 广州三年
    obj = re.sub(
        r"(?:的|(?:(?<=公司)|(?<=学校)|(?<=[店厂院行室局所]))里|这里|那里|那边|这边|附近|总部|上)$",
        "",
        obj,
    )
    if predicate in {"member_of", "works_at", "studied_at"} and "的" in obj:
        obj = obj.rsplit("的", 1)[1]  # 公司的摄影协会: the club
    return obj.strip()


# Objects that name nothing: a pronoun (他们的粉丝, 加入了他们的讨论) for any of _NAMED; for an
# organisation or group also a demonstrative (这个群的成员), a word for any such place or body
# (公司的一员, 在学校担任班主任, 在团队里), a chat group or a web-shop basket (加入了微信群, 加入了购物车).
_PRONOUN = re.compile(r"^(?:他们|她们|我们|你们|咱们|大家|人家|别人)")
_NO_ORG = re.compile(
    r"^(?:这个|那个|这些|那些|这|那)"
    r"|^(?:家庭|家里|家|公司|单位|学校|医院|团队|集体|组织|部门|群聊|购物车|收藏夹?|讨论|聊天|对话|话题|会议|比赛|活动)$"
    r"|^(?:微信|QQ|qq|钉钉|工作|家族|家庭|同学|班级|业主|聊天)?群$"
)
_NAMED = frozenset({"works_at", "member_of", "likes", "owns", "studied_at"})
_ORG = frozenset({"works_at", "member_of", "studied_at"})


def _triples(match: re.Match[str], predicate: str, confidence: float, ctx: Context) -> list[Found]:
    groups = match.groupdict()
    obj = _object(groups.get("o") or groups.get("o2") or groups.get("r") or "", predicate)
    if predicate == "likes" and "的是" in obj:
        return []  # 最喜欢吃的是火锅: the favourite rule gives 火锅
    if (
        not obj
        or obj in {"我", "这", "那", "家", "他", "她", "它", "你", "这里", "那里"}
        or "叫" in obj
    ):
        return []
    if (predicate in _NAMED and _PRONOUN.search(obj)) or (
        predicate in _ORG and _NO_ORG.search(obj)
    ):
        if not (predicate == "works_at" and groups.get("r")):
            return []
        predicate = "has_role"  # 在学校担任班主任: the role alone
    if re.match(r"^(?:一家|一个|个|家)", groups.get("o") or "") and predicate == "works_at":
        return []  # 一家银行: nothing to name
    if predicate == "works_at" and re.search(
        r"学生|研究生|博士生|本科生|大学生|硕士生|留学生", groups.get("r") or ""
    ):
        return []  # 是MIT的学生: studied_at says it
    if predicate == "works_at" and t.GROUPISH.search(obj):
        return []  # 是足球俱乐部的球员: member_of says it
    if predicate == "lives_in" and confidence <= 0.6 and not t.PLACES.match(obj):
        return []  # 我现在在X: a home only when X is a known place (我在公司, 我在开会 are not)
    if predicate in {"works_at", "member_of"} and t.PLACES.match(obj):
        return []  # 我在北京工作: a city, not an employer
    if predicate == "owns" and (
        (obj in t.KIN_WORDS and t.KIN_WORDS[obj] != "owns") or obj in t.OTHER_KIN.split("|")
    ):
        return []
    if predicate == "located_in":
        subject = groups["s"].strip()
        if subject in ctx.persons or re.match(rf"^(?:{t.ME}|他|她)", subject):
            return []
        kind = "Place" if re.search(r"[市省县区州国镇村岛]$", subject) else "Organization"
        return [(subject, kind, predicate, obj, "Place", confidence)]
    out: list[Found] = []
    kind = OBJECT_TYPE[predicate]
    if predicate == "works_at" and t.SCHOOLISH.search(obj):
        kind = "School"
    for subject in _subjects(groups.get("s"), ctx):
        if subject != USER:
            ctx.persons.add(subject)
        if predicate != "has_role":
            out.append((subject, "Person", predicate, obj, kind, confidence))
        role = groups.get("r")
        if role and re.fullmatch(r"[A-Za-z][A-Za-z ]*", role) and not t.EN_OCC.search(role):
            role = ""  # 我是 Lakers fan: Latin words make a role only when they name a job
        if role and re.search(r"(?:党员|会员|成员|团员|队员)$", role):
            role = ""  # 共产党员: a membership, not a job
        if role and role.strip():
            out.append((subject, "Person", "has_role", role.strip(), "Role", 0.8))
    if predicate in {"works_at", "studied_at", "member_of"}:
        ctx.last_org = obj
    return out
