# ruff: noqa: E501  (tables of regular expressions: a pattern reads best on one line)
"""The Chinese tables: vocabulary, what gives nothing, and the relation patterns (see chinese)."""

from __future__ import annotations

import re

ZH = r"\u4e00-\u9fff"
ME = r"(?:我|俺|咱|本人)"
KIN = {
    "parent_of": "女儿|儿子|孩子|闺女|大女儿|小女儿|大儿子|小儿子|宝宝|宝贝女儿|宝贝儿子|娃|继女|继子|两个孩子|孩子们",
    "child_of": "妈妈|妈|母亲|老妈|爸爸|爸|父亲|老爸|娘|爹|继母|继父|后妈|老爹",
    "sibling_of": "哥哥|哥|姐姐|姐|弟弟|弟|妹妹|妹|兄弟|姐妹|大哥|二哥|大姐|二姐|小弟|小妹|双胞胎哥哥|双胞胎姐姐|双胞胎弟弟|双胞胎妹妹|亲哥|亲姐|亲弟弟|亲妹妹",
    "married_to": "老婆|妻子|太太|爱人|老公|丈夫|先生|媳妇|媳妇儿|夫人|另一半",
    "friend_of": "好朋友|朋友|闺蜜|好友|哥们|哥们儿|死党|发小|好哥们|老铁|铁哥们|好姐妹|挚友|老朋友|基友",
    "owns": "狗狗|狗|猫咪|猫|小狗|小猫|宠物|兔子|鹦鹉|仓鼠|金毛|柯基|哈士奇|泰迪|柴犬|边牧|拉布拉多|布偶猫|布偶|英短|橘猫|乌龟|金鱼|马|狗子|猫猫",
}
KIN_WORDS = {w: pred for pred, words in KIN.items() for w in words.split("|")}
OTHER_KIN = (
    "同学|同事|室友|邻居|老板|领导|上司|表哥|表姐|表弟|表妹|堂哥|堂姐|堂弟|堂妹|爷爷|奶奶|外公|外婆|姥姥|姥爷|"
    "舅舅|舅妈|阿姨|叔叔|姑姑|婶婶|伯伯|男朋友|女朋友|男友|女友|对象|未婚妻|未婚夫|师傅|导师|岳父|岳母|公公|"
    "婆婆|侄子|侄女|外甥|外甥女|孙子|孙女|嫂子|姐夫|妹夫|弟媳|大学同学|高中同学|老同学|前同事|队友|合伙人"
)
KIN_ALT = "|".join(sorted(KIN_WORDS, key=len, reverse=True))
# English kinship words in code-switched Chinese: 我 boyfriend Jack 住在 Brooklyn
EN_KIN = {
    "daughter": "parent_of", "son": "parent_of", "kid": "parent_of", "mom": "child_of",
    "mum": "child_of", "mother": "child_of", "dad": "child_of", "father": "child_of",
    "brother": "sibling_of", "sister": "sibling_of", "wife": "married_to", "husband": "married_to",
    "best friend": "friend_of", "friend": "friend_of", "bestie": "friend_of", "dog": "owns",
    "cat": "owns", "puppy": "owns", "kitten": "owns",
}  # fmt: skip
KIN_WORDS |= EN_KIN
EN_OTHER = "boyfriend|girlfriend|bf|gf|boss|roommate|colleague|coworker|cousin|partner"
KIN_ALT = "|".join(sorted(KIN_WORDS, key=len, reverse=True))
ANY_KIN = "|".join(
    sorted([*KIN_WORDS, *OTHER_KIN.split("|"), *EN_OTHER.split("|")], key=len, reverse=True)
)
EN_OCC = re.compile(
    r"(?:engineer|developer|designer|manager|nurse|doctor|teacher|lawyer|analyst|scientist|consultant|accountant|architect|intern|student|researcher|chef|pilot|writer|artist|dev|PM|SDE|SWE)s?$",
    re.I,
)
OCC = (
    "老师|教师|医生|护士|工程师|程序员|设计师|学生|大学生|研究生|博士生|律师|会计|销售|经理|厨师|司机|记者|"
    "作家|研究员|教授|产品经理|公务员|主播|演员|歌手|警察|画家|摄影师|自由职业者|创业者|老板|实习生|运营|"
    "咨询师|分析师|建筑师|药剂师|牙医|飞行员|快递员|外卖员|店长|编辑|翻译|导游|保安|农民|工人|会计师|审计|"
    "秘书|总监|主管|总裁|董事长|CEO|CTO|创始人|合伙人|科学家|医师|法官|军人|消防员|程序猿|架构师|讲师|"
    "校长|主任|院长|员工|职员|助理|顾问|博士|硕士|产品|店员|收银员|面包师|教练|社工|志愿者|兽医|药师|编剧|"
    "导演|制片人|模特|网红|博主|UP主|策划|开发|球员|队员|队长|主唱|吉他手|鼓手|厨子|保姆|月嫂|HR|设计|"
    "工程狗|码农|程序媛|老师傅|技术员|技师|专员|客服|文员|前台|财务|出纳|行政|会计员|律师助理|规划师|"
    "精算师|营养师|心理咨询师|健身教练|理发师|化妆师|主持人|外科医生|内科医生|护士长|班主任|辅导员"
)
OCC_ALT = "|".join(sorted(set(OCC.split("|")), key=len, reverse=True))
NAME = rf"(?![今现已一特非也还都在是住很最刚就每经平目从跟和的我俺咱他她你嫁娶养喜读开做当])(?:(?![和跟与的是在了])[{ZH}·]){{2,4}}?"
BOUND = (
    r"(?=今年|在|是|住|喜欢|爱|很|也|已经|现在|刚|养|有|和|跟|开|去|从|毕业|出生|当|做|读|考|特别|非常|"
    r"最|每|总|经常|一直|还|就|的|，|,|。|！|!|？|\?|、|$|上班|念|学|练|打|玩|会|都|目前|平时|了|对|给|把|被|"
    r"长得|长大|搬|退休|结婚|嫁|娶|加入|参加|担任|任|负责|买了|生了|养了|在读|就读|生于|来自|老家|今天|"
    r"明年|去年|超|挺|真|一起|带|教|开了|办了|创办|做了|成了|成为|当了|拿|获得|得了|参与|喜|爱好|特|比较)"
)
PERSON = rf"(?:{NAME}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
ENT = rf"[{ZH}A-Za-z0-9&·.\- ]{{1,20}}?"
END = r"(?=[，,。！!？?；;、~～]|$|的|了|和|跟|与|里|上班|工作|读书|上学|呢|啊|呀|哈|啦|，)"
GROUPISH = re.compile(
    r"俱乐部|协会|社团|乐队|乐团|合唱团|球队|车队|战队|读书会|委员会|学生会|工会|共产党|党|联盟|联合会|研究会|兴趣小组|小组|志愿队|舞蹈队|篮球队|足球队|队|社|群|粉丝团|后援会|商会|学会"
)
SCHOOLISH = re.compile(
    r"大学|学院|中学|小学|学校|高中|初中|幼儿园|研究生院|University|College|School|Institute|MIT|Harvard|Stanford",
    re.I,
)
PLACES = re.compile(
    r"^(?:北京|上海|广州|深圳|杭州|南京|成都|重庆|天津|武汉|西安|苏州|长沙|郑州|青岛|大连|厦门|宁波|济南|合肥|福州|"
    r"昆明|沈阳|哈尔滨|东莞|佛山|无锡|香港|澳门|台北|台湾|新加坡|美国|英国|日本|韩国|德国|法国|加拿大|澳大利亚|纽约|"
    r"伦敦|东京|巴黎|国外|海外|老家|家里|家|本地|当地|外地|市区|郊区|农村|城里|这边|那边|这里|那里|附近|楼下|"
    r"[{ZH}]{1,4}(?:市|省|县|区|镇|村|州|国))$".replace("{ZH}", ZH)
)

NEGATION = re.compile(
    r"不(?!错|少|久|过|断|仅|但|管|论|同|然|如|好意思|得不|光|止)|没|(?<![特分区级个类告识辨差性派])别(?![人墅的处])|未|非(?!常)|无(?!论)|从未|不再|以前|曾经|之前|过去|原来|"
    r"当年|那时|小时候|离开了|辞职|离职|分手|离婚|去世|走了|卖了|卖掉|送人|退出|退休前|搬走|搬离|戒了|前妻|"
    r"前夫|前任|被裁|失业|早就不|干过|待过|呆过|做过|住过|读过|学过|养过"
)
PLAN = re.compile(
    r"打算|计划|准备|想要|想去|想在|想当|想成为|想学|想买|想养|想搬|将要|将会|即将|会去|要去|要搬|要当|要嫁|要娶|"
    r"希望|明年|下个月|下周|下半年|以后|将来|未来|也许|可能|大概|如果|要是|假如|假设|万一|梦想|申请|考虑|"
    r"说不定|估计|据说|听说|他说|她说|觉得|认为|以为|猜|想着|面试|offer|录取通知|马上要|快要|下学期|"
    r"等我|等到|一旦|争取|目标是"
)
ASK = re.compile(
    r"吗|什么|哪|谁|几[个岁年]|怎么|为什么|是不是|有没有|难道|多少|呢[？?]?$|么[？?]?$|是否|能不能|可不可以"
)

S = rf"(?P<s>(?:我们一家(?:三口|四口|五口|人)?|我们全家|我们家|咱们家|我家|俺家|咱家)(?=住|在|现在|目前|一直|有|养)|{ME}|他们|她们|他|她|{PERSON})"
ADV = r"(?:超级|贼|巨|蛮|本科|硕士|研究生|博士|去年|前年|最近|这两年|前几年|刚刚|上个月|早就|现在|目前|一直|还|也|都|已经|正|正在|刚|平时|很|非常|特别|最|真的|超|挺|比较|本人|今年|依然|仍然|就|俩|两个|两人|如今|这几年|这两年|一直都)*"
ROLE_ANY = rf"(?P<r>[{ZH}A-Za-z ]{{1,30}}?)(?=$|[，,。！!；;~～]|了|啊|呢|呀|哈)"
ROLE_OCC = rf"(?P<r>(?:(?!的)[{ZH}A-Za-z]){{0,6}}(?:{OCC_ALT}))"
STUDY = r"(?:读书|上学|读大学|上大学|读研究生|读研|读博士|读博|念书|念大学|学习|留学|进修|读本科|读高中|读初中|读硕士|上高中|上初中|上小学|读小学|上幼儿园|读的本科|读的研究生|读的硕士|读的博士|读的大学|读的书|读的高中|念的书|念的大学|上的大学|上的高中|毕业|读)"

RULES: list[tuple[re.Pattern[str], str, float]] = [
    (
        re.compile(
            rf"^{S}{ADV}(?:是|当|做)(?:一名|一个|一位|个|名|位)?(?P<r>[A-Za-z][A-Za-z ]{{1,30}}?)(?=$|[，,。！!])"
        ),
        "has_role",
        0.75,
    ),
    (
        re.compile(rf"^{S}{ADV}在(?P<o>{ENT})(?:当|做|担任|任)(?:一名|一个|个|名|位)?{ROLE_ANY}"),
        "works_at",
        0.85,
    ),
    (
        re.compile(
            rf"^{S}{ADV}在(?P<o>{ENT})(?:工作|上班|任职|实习|打工|供职|干活|搬砖|上岗|就职|干了|干|兼职|上夜班|做兼职)"
        ),
        "works_at",
        0.85,
    ),
    (
        re.compile(rf"^{S}{ADV}(?:就职于|供职于|任职于|受雇于|服务于)(?P<o>{ENT}){END}"),
        "works_at",
        0.85,
    ),
    (
        re.compile(
            rf"^{S}{ADV}(?:入职|加入|进)了?(?P<o>(?!公司|单位){ENT}){END}(?!.*(?:俱乐部|协会|社团|乐队|合唱团|球队|队|社))"
        ),
        "works_at",
        0.75,
    ),
    (re.compile(rf"^{S}{ADV}是(?P<o>{ENT})的{ROLE_OCC}(?=$|[，,。！!]|了|啊|呢)"), "works_at", 0.8),
    (re.compile(rf"^{S}{ADV}是(?:一名|一位|名|位){ROLE_ANY}"), "has_role", 0.8),
    (
        re.compile(rf"^{S}{ADV}在(?P<o>{ENT})(?:住|生活|定居|安家)(?=$|[，,。！!]|了|呢|啊)"),
        "lives_in",
        0.8,
    ),
    (
        re.compile(
            rf"^{S}{ADV}是(?P<o>[{ZH}A-Za-z0-9]{{0,12}}(?:{GROUPISH.pattern}))的(?:$|[，,。！!])"
        ),
        "member_of",
        0.75,
    ),
    (
        re.compile(
            rf"^{S}{ADV}(?:是|当|做|担任|干)(?:一名|一个|一位|个|名|位)?(?P<r>(?:(?!的)[{ZH}A-Za-z]){{0,6}}(?:{OCC_ALT}))(?=$|[，,。！!]|了|啊|呢)"
        ),
        "has_role",
        0.8,
    ),
    (re.compile(rf"^{S}的(?:工作|职业)是(?:一名|一个|一位|个|名|位)?{ROLE_ANY}"), "has_role", 0.75),
    (
        re.compile(
            rf"^{S}{ADV}(?:住在|生活在|定居在|居住在|住|定居于|居住于|长居|常住|安家在|落户)(?P<o>{ENT}){END}"
        ),
        "lives_in",
        0.85,
    ),
    (re.compile(rf"^{S}家(?:住)?在(?P<o>{ENT}){END}"), "lives_in", 0.75),
    (re.compile(rf"^{S}{ADV}(?:搬到|搬去|搬来|移居到?)了?(?P<o>{ENT}){END}"), "lives_in", 0.75),
    (
        re.compile(rf"^{S}{ADV}(?:出生在|出生于|生在|生于|出生地是|出身于)(?P<o>{ENT}){END}"),
        "born_in",
        0.9,
    ),
    (re.compile(rf"^{S}(?:是)?在(?P<o>{ENT})(?:出生|出世|生的)"), "born_in", 0.85),
    (re.compile(rf"^{S}{ADV}(?:毕业于|就读于|在读于|求学于)(?P<o>{ENT}){END}"), "studied_at", 0.85),
    (re.compile(rf"^{S}{ADV}(?:在|从)(?P<o>{ENT}){STUDY}"), "studied_at", 0.85),
    (
        re.compile(
            rf"^{S}{ADV}是(?P<o>{ENT})(?:毕业的|的学生|的校友|的研究生|的博士生|的本科生|的大学生|的毕业生|的学霸)"
        ),
        "studied_at",
        0.85,
    ),
    (
        re.compile(rf"^{S}{ADV}(?P<o>[{ZH}A-Za-z]{{2,12}}?(?:大学|学院|中学|高中))毕业"),
        "studied_at",
        0.8,
    ),
    (
        re.compile(
            rf"^{S}{ADV}(?:在|上|读)(?P<o>[{ZH}A-Za-z]{{2,12}}?(?:大学|学院|中学|高中|小学|幼儿园))(?!当|做|工作|上班|任职|教|担任|任|干)"
        ),
        "studied_at",
        0.75,
    ),
    (
        re.compile(rf"^{S}{ADV}是(?P<o>{ENT})的(?:成员|会员|一员|队员|党员|团员|社员|粉丝|志愿者)"),
        "member_of",
        0.85,
    ),
    (
        re.compile(
            rf"^{S}{ADV}是(?P<o>{ENT})的(?P<r>球员|主唱|吉他手|鼓手|队长|主席|副主席|会长|副会长|社长|键盘手|贝斯手|指挥)"
        ),
        "member_of",
        0.85,
    ),
    (
        re.compile(
            rf"^{S}{ADV}是(?:一名|一个|一位|名|个)?(?:(?P<o>[{ZH}]{{1,12}}?党)(?:党员|员)|(?P<o2>[{ZH}A-Za-z]{{2,12}}?)(?:会员|成员|队员|团员))"
        ),
        "member_of",
        0.8,
    ),
    (
        re.compile(
            rf"^{S}{ADV}(?:加入了?|参加了?|在|进了)(?P<o>[{ZH}A-Za-z0-9的]{{0,14}}(?:{GROUPISH.pattern})){END}"
        ),
        "member_of",
        0.75,
    ),
    (
        re.compile(
            rf"^{S}{ADV}(?:喜欢|热爱|爱上了|迷上了|爱吃|爱喝|爱看|爱玩|钟爱|偏爱|酷爱|喜爱|着迷于|沉迷于|爱)(?P<o>[{ZH}A-Za-z0-9 的]{{1,20}}?)(?=$|[，,。！!~～]|了|啊|呀|哈)"
        ),
        "likes",
        0.8,
    ),
    (
        re.compile(
            rf"^{S}最(?:喜欢|爱)(?:吃|喝|看|玩|听|做)?的(?:[{ZH}]{{1,6}}?)?(?:是|就是)(?P<o>[{ZH}A-Za-z0-9 ]{{1,20}}?)(?=$|[，,。！!]|了)"
        ),
        "likes",
        0.75,
    ),
    (re.compile(rf"^(?P<o>[{ZH}A-Za-z]{{1,8}}?)是{S}的最爱"), "likes", 0.75),
    (
        re.compile(
            rf"^{S}{ADV}(?:对(?P<o>[{ZH}A-Za-z]{{1,8}}?)(?:很|特别|非常)?(?:感兴趣|着迷|上瘾))"
        ),
        "likes",
        0.7,
    ),
    (
        re.compile(
            rf"^{S}{ADV}(?:有|买了|养了|养着|拥有|开着|开的是|开了)(?:一|两|三|\d)?(?:辆|台|只|条|套|栋|间|部|个|匹|架|艘|座|家|头)(?P<o>[{ZH}A-Za-z0-9 ]{{1,20}}?)(?=$|[，,。！!]|了)"
        ),
        "owns",
        0.75,
    ),
    (
        re.compile(
            rf"^(?P<s>{ENT})(?:的)?(?:总部)?(?:位于|坐落于|坐落在|设在|地处)(?P<o>{ENT}){END}"
        ),
        "located_in",
        0.85,
    ),
    (
        re.compile(rf"^(?P<s>[{ZH}A-Za-z]{{2,10}}?)(?:的)?总部(?:就)?在(?P<o>{ENT}){END}"),
        "located_in",
        0.85,
    ),
    (
        re.compile(
            rf"^(?P<s>[{ZH}A-Za-z]{{2,10}}?)是(?P<o>[{ZH}A-Za-z]{{2,6}}?)的(?:首都|省会|一个城市|城市|一座城市|一个省|省份|一个州|一部分|一个区|一个县|一个镇)"
        ),
        "located_in",
        0.85,
    ),
    (
        re.compile(
            rf"^(?P<s>[{ZH}A-Za-z]{{2,10}}?(?:大学|学院|公司|医院|博物馆|银行|集团|酒店|餐厅|中学|小学|研究所|寺|公园|广场|大厦|机场|车站))(?:就)?在(?P<o>{ENT}){END}"
        ),
        "located_in",
        0.8,
    ),
]
