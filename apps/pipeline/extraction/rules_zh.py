"""Chinese patterns of the offline extractor (see `rules`): retractions, fact rules in order,
and the chat-speech normalisation the patterns match against."""

from __future__ import annotations

import re

from apps.pipeline.extraction.rules_en import Retraction, Rule

REL = (r"老妈|老爸|闺女|哥|姐|弟|妹|老婆|妻子|太太|爱人|老公|丈夫|先生|男朋友|女朋友|男友|女友|对象|未婚妻|未婚夫|儿子|"
       r"女儿|孩子|宝宝|爸爸|妈妈|父亲|母亲|爸妈|父母|哥哥|姐姐|弟弟|妹妹|爷爷|奶奶|外公|外婆|"
       r"姥姥|姥爷|舅舅|阿姨|叔叔|表哥|表姐|表弟|表妹|堂哥|堂姐|狗|猫|狗狗|猫咪|宠物|兔子|鹦鹉|"
       r"柯基|金毛|哈士奇|泰迪|柴犬|边牧|拉布拉多|布偶|英短|橘猫|仓鼠|乌龟")  # fmt: skip
OCC = (r"老师|教师|医生|护士|工程师|程序员|设计师|学生|大学生|研究生|博士生|律师|会计|销售|经理|"
       r"厨师|司机|记者|作家|研究员|教授|产品经理|公务员|主播|演员|歌手|警察|画家|摄影师|"
       r"自由职业者|创业者|老板|实习生|运营|咨询师|分析师|建筑师|药剂师|牙医|飞行员|快递员|"
       r"外卖员|店长|编辑|翻译|导游|保安|农民|工人|会计师|审计|秘书|前端|后端|全栈|测试")  # fmt: skip
RETRACT: list[Retraction] = [
    (re.compile(r"忘(?:掉|了|记)(?:我说过的?|我之前说的?|我说)?(.+)"), 1, ""),
    (re.compile(r"我(?:已经)?不再(?:住在|住)(.+?)(?:了|$)"), 1, "place:home"),
    (re.compile(r"我(?:已经)?不再(?:在)(.+?)(?:工作|上班)(?:了|$)"), 1, "job:employer"),
    (re.compile(r"我(?:已经)?不再(?:吃|喝|养|做|是)?(.+?)(?:了|工作了|$)"), 1, ""),
    (re.compile(r"我(?:已经|早就)?不在(.+?)(?:工作|上班|干)了"), 1, "job:employer"),
    (re.compile(r"我(?:已经|早就)?不(?:在|住在)(.+?)住了"), 1, "place:home"),
    (re.compile(r"我(?:已经|早就)?不在(.+?)(?:读书|上学)了"), 1, "job:school"),
    (re.compile(r"我(?:已经)?没有(?:再)?(?:养)?(.+?)了"), 1, ""),
    (re.compile(r"我(?:已经)?不住在(.+?)了"), 1, "place:home"),
    (re.compile(r"我(?:已经)?不(?:吃|喝|养)(.+?)了"), 1, ""),
    (re.compile(r"我(?:已经)?(?:把)(.+?)(?:卖|送人|送走|送回|送给|扔|给了|转让|转手)[^，。]{0,8}了"), 1, ""),
    (re.compile(r"我.{0,6}?从(.+?)(?:辞职|离职|离开)了?"), 1, "job:employer"),
    (re.compile(r"我(?:已经)?(?:辞职|离职|失业|被裁)了()"), 1, "job:employer"),
    (re.compile(r"我(?:已经)?(?:提了|交了|递了)(?:离职|辞职)(?:申请|信)?()"), 1, "job:employer"),
    (re.compile(r"我(?:已经)?被(?:公司|老板)?(?:裁员|裁掉|裁|辞退|开除|炒鱿鱼|炒)了?()"), 1, "job:employer"),
    (re.compile(r"(?:我们|我和[\u4e00-\u9fffA-Za-z]{1,4}|我跟[\u4e00-\u9fffA-Za-z]{1,4})(?:已经)?(?:分手|分开)了()"), 1, "family:partner"),
    (re.compile(r"(?:我们|我们家|我)?(?:已经)?(?:搬离|离开)了?([\u4e00-\u9fff]{2,4})"), 1, "place:home"),
    (re.compile(r"(?:之前|以前)?(?:说|讲)(?:的)?(.+?)(?:是我|我)?(?:记错|搞错|说错|弄错)了"), 1, ""),
    (re.compile(r"我?(?:对)?([\u4e00-\u9fffA-Za-z]{1,8}?)(?:过敏)?(?:这事|这件事|的事|这个)?(?:是我|我)(?:记错|搞错|说错|弄错)了"), 1, ""),
    (re.compile(r"我对([\u4e00-\u9fffA-Za-z]{1,6})(?:其实|并|根本)?不过敏"), 1, ""),
    (re.compile(r"我(?:其实|根本|并)没有?(?:养|在|住在|住)(?:过)?([\u4e00-\u9fffA-Za-z]{1,8})"), 1, ""),
    (re.compile(r"我没(?:有)?(?:养|在|住在|住)过([\u4e00-\u9fffA-Za-z]{1,8})"), 1, ""),
    (re.compile(r"我(?:以前|之前|原来|曾经)(?:很|挺|特别|超)?(?:喜欢|爱|住在|在|养过?)([\u4e00-\u9fffA-Za-z]{1,8}?)(?:[，,。]|$|但|，但|工作|上班)"), 1, ""),
    (re.compile(r"我(?:已经|开始|决定|准备)?戒(?:掉)?了?([\u4e00-\u9fffA-Za-z]{1,6}?)(?:了|$)"), 1, ""),
    (re.compile(r"(?:我|我家|我的)?(狗狗?|猫咪?|宠物|兔子|鹦鹉|仓鼠|鱼|[A-Z][a-z]+)(?:去年|上个月|上周|前几天|昨天|今年)?(?:走了|去世了|死了|丢了|没了|过世了)"), 1, ""),
    (re.compile(r"我(?:并)?不(?:对([\u4e00-\u9fff]{1,6}))?过敏"), 1, ""),
    (re.compile(r"([\u4e00-\u9fffA-Za-z]{1,6})(?:已经)?送给(?:了)?(?:朋友|别人|亲戚|邻居)(?:养)?了"), 1, ""),
    (re.compile(r"我不(?:再)?((?!喜欢|爱|怎么|太)[\u4e00-\u9fff]{2,4}?)了"), 1, ""),
]  # fmt: skip
RULES: list[Rule] = [
    ("identity", "identity:name", re.compile(r"我(?:的名字)?(?:叫|是叫|名叫)([\u4e00-\u9fffA-Za-z]{1,6}?)(?:[，,。！!]|$|，|今年)"), 1, ""),
    ("identity", "identity:name", re.compile(r"我的名字是([\u4e00-\u9fffA-Za-z]{1,6})"), 1, ""),
    ("identity", "identity:age", re.compile(r"(?:我(?:今年|现在|已经)?|今年)(\d{1,3}|[一二三四五六七八九十]{1,3})岁"), 1, ""),
    ("identity", "identity:age", re.compile(r"过完?了?(\d{1,3}|[一二三四五六七八九十]{1,3})岁(?:的)?生日"), 1, ""),
    ("identity", "identity:age", re.compile(r"我(?:今年|现在)(\d{1,3})(?:了|啦)?[。！!.]?$"), 1, ""),
    ("place", "place:origin", re.compile(r"我(?:是|来自)([\u4e00-\u9fff]{1,6}?)人"), 1, ""),
    ("place", "place:origin", re.compile(r"我(?:来自|出生在|出生于|生在|老家在|老家是)([\u4e00-\u9fff]{1,8})"), 1, ""),
    ("place", "place:origin", re.compile(r"我(?:是)?在([\u4e00-\u9fff]{1,8}?)长大"), 1, ""),
    ("place", "place:home", re.compile(r"我(?:现在|目前|一直)?(?:住在|定居在|生活在|住)([\u4e00-\u9fff]{1,8})"), 1, ""),
    ("place", "place:home", re.compile(r"(?:我们家|我们|我家|全家|我)[\u4e00-\u9fff]{0,8}?(?:搬到|搬去|搬家到|搬回|搬来|移居到?|定居在?)了?([\u4e00-\u9fff]{1,8}|[A-Z][A-Za-z ]{1,20})"), 1, ""),
    ("place", "place:home", re.compile(r"(?:我们家|我们|我家)(?:现在|目前)?(?:住在|定居在|生活在)([\u4e00-\u9fff]{1,8})"), 1, ""),
    ("job", "job:employer", re.compile(r"我(?:现在|目前)?在([\u4e00-\u9fffA-Za-z]{1,10}?)(?:工作|上班|任职|实习)"), 1, ""),
    ("job", "job:employer", re.compile(r"我(?:跳槽|换工作|转行)(?:去|到)了?([\u4e00-\u9fffA-Za-z]{1,10}?)(?:了|$|，|,)"), 1, ""),
    ("job", "job:employer", re.compile(r"我(?:入职|加入)了?([\u4e00-\u9fffA-Za-z]{1,10}?)(?:了|$|，|,|。|！)"), 1, ""),
    ("job", "job:employer", re.compile(r"我(?:去|到)([\u4e00-\u9fffA-Za-z]{1,10}?)(?:上班|工作)了"), 1, ""),
    ("job", "job:employer", re.compile(r"我(?:拿到|收到)了?([\u4e00-\u9fffA-Za-z]{2,10}?)的\s?(?:offer|Offer|OFFER|录用)"), 1, ""),
    ("job", "job:school", re.compile(r"我(?:现在|目前)?在([\u4e00-\u9fffA-Za-z]{1,10}?)(?:读书|上学|读研|读博|念书|读大学)"), 1, ""),
    ("job", "job:school", re.compile(r"我(?:的专业是|学的是|主修|在学|正在学)([\u4e00-\u9fffA-Za-z]{1,10})"), 1, ""),
    ("job", "job:title", re.compile(rf"我(?:是|当|做)(?:一名|一个|一位|个|名)?([\u4e00-\u9fffA-Za-z]{{0,4}}?(?:{OCC}))"), 1, ""),
    ("job", "job:title", re.compile(r"我的(?:工作|职业)是([\u4e00-\u9fffA-Za-z]{1,10})"), 1, ""),
    ("family", "family:partner", re.compile(r"(?:我们|我和[\u4e00-\u9fffA-Za-z]{1,4}?|我)[\u4e00-\u9fff]{0,4}?(结婚|订婚|离婚|单身|领证)了?"), 1, ""),
    ("family", "family:{g1}", re.compile(rf"我(?:的|家)?({REL})(.+)"), 1, ""),
    ("family", "family:pet", re.compile(r"(?:我|我们|我家)(?:有|养了|养着|家有|领养了|收养了|捡了|添了|新添了|新养了)(?:一|两|三|\d)(?:只|条)([\u4e00-\u9fff]{1,4}?)(?:叫|，|,|$)"), 1, ""),
    ("family", "family:{obj}", re.compile(rf"(?:我|我们|我家)(?:有|养了|养着|家有|领养了|收养了|捡了|添了|新添了|新养了|交了)(?:一|两|三|四|\d)?(?:个|只|条|位)?((?:{REL}))"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我对([\u4e00-\u9fffA-Za-z]{1,8})过敏"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我(?:是|吃|开始吃|改吃)(素食者|素食主义者|素|纯素)|我(乳糖不耐受?|怀孕了|戒酒了|戒烟了)"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我有(高血压|糖尿病|哮喘|胃病|失眠|偏头痛|颈椎病|腰椎间盘突出|鼻炎|抑郁症|焦虑症)"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我的?([\u4e00-\u9fff]{1,3}?)(?:受伤|骨折|扭伤|摔伤)"), 1, ""),
    ("health", "health:{obj}", re.compile(r"我不能(?:吃|喝)([\u4e00-\u9fff]{1,6})"), 1, ""),
    ("dislike", "taste:{obj}", re.compile(r"我(?:很|非常|特别|最|真的|一直|超级|超|贼|巨|一点也|一点都|已经)?(?:不再喜欢|不再爱|不喜欢|讨厌|受不了|不爱|反感|不太喜欢|烦|怕)(.+)"), 1, "neg"),
    ("dislike", "taste:{obj}", re.compile(r"我(?:是)?(?:从来)?不(?:吃|喝)(.+)"), 1, "neg"),
    ("preference", "taste:{obj}", re.compile(r"我报(?:了)?(?:个|一个)?([\u4e00-\u9fffA-Za-z]{1,6}?)(?:班|课)"), 1, ""),
    ("preference", "favorite:{cat}", re.compile(r"我(?:现在)?最(?:喜欢|爱)的(?P<cat>[\u4e00-\u9fff]{1,6}?)(?:现在|已经|还是|依然|一直)?(?:是|变成了?|成了|换成了?)(.+)"), 2, ""),
    ("preference", "taste:{obj}", re.compile(r"([\u4e00-\u9fffA-Za-z]{1,8}?)(?:真的|简直|绝对|就)?是我的最爱"), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"^([\u4e00-\u9fffA-Za-z]{1,8}?)(?:真的|简直|绝对|就|应该|一直|还)?是我(?:最喜欢|最爱)的"), 1, ""),
    ("job", "job:title", re.compile(r"我(?:已经|刚)?(退休)了"), 1, ""),
    ("job", "job:title", re.compile(r"我(?:已经|现在|开始)?(?:自己)?(创业|做自由职业|当自由职业者|自己干)了?"), 1, ""),
    ("job", "job:title", re.compile(r"我(?:升职|升)(?:了|成|为|做)*(?:现在是)?([\u4e00-\u9fffA-Za-z]{2,8})"), 1, ""),
    ("job", "job:employer", re.compile(r"我(?:现在|目前)?在((?!家|这|那|外|网上|路上|公园|附近)[\u4e00-\u9fffA-Za-z]{2,8}?)(?:做|当|负责)(?:[\u4e00-\u9fffA-Za-z]{1,6})"), 1, ""),
    ("family", "family:partner", re.compile(r"(?:我们|我和[\u4e00-\u9fffA-Za-z]{1,4}?)(在一起)了"), 1, ""),
    ("family", "family:partner", re.compile(r"我(?:跟|向|和)?[\u4e00-\u9fffA-Za-z]{0,4}?(求婚成功)了?"), 1, ""),
    ("dislike", "taste:{obj}", re.compile(r"我(?:不怎么|不太|很少|没那么(?:喜欢|爱)?)(?:喝|吃|玩|看|打)?([\u4e00-\u9fffA-Za-z]{0,6}?)了?$"), 1, "neg"),
    ("preference", "taste:{obj}", re.compile(r"([\u4e00-\u9fffA-Za-z]{1,8}?)算是我的(?:爱好|兴趣)"), 1, ""),
    ("dislike", "taste:{obj}", re.compile(r"^([\u4e00-\u9fffA-Za-z]{1,6}?)我(?:是)?(?:真的|实在)?(?:受不了|不喜欢|讨厌)"), 1, "neg"),
    ("preference", "taste:{obj}", re.compile(r"我的爱好是(.+)"), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"我(?:很|非常|特别|最|超级|超|贼|巨|蛮|好|也|挺|真的|一直|还|比较)?(?:爱上了|爱上|迷上了|迷上|喜欢|热爱|爱吃|爱喝|爱|偏爱|沉迷于|着迷于|热衷于)(.+)"), 1, ""),
    ("plan", "plan:{obj}", re.compile(r"我(?:打算|计划|准备|决定|想要|要去|将要|会去|想去|想|要)(.+)"), 1, "future"),
    ("possession", "possession:{obj}", re.compile(r"我(?:开的是|开着|骑的是|开一辆|开辆|开了一辆|开了辆)(?:一辆|辆)?((?!车)[\u4e00-\u9fffA-Za-z0-9]{2,10})"), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"我(?:每天|每周|每晚|每个周末|周末|经常|平时|天天)(?:早上|晚上|下班后)?(?:都|会|要)?((?:喝|吃|玩|打|看|去|跑|练|弹|游)[\u4e00-\u9fffA-Za-z]{1,6})"), 1, ""),
    ("preference", "taste:{obj}", re.compile(r"我(?:开始(?=学|练|玩|健身|跑步|游泳|做)|爱上了?|迷上了?)(?:学|练|玩)?([\u4e00-\u9fffA-Za-z]{1,8})"), 1, ""),
    ("dislike", "taste:{obj}", re.compile(r"我(?:吃|喝)不了(.+)"), 1, "neg"),
    ("possession", "possession:{obj}", re.compile(r"我(?:刚|最近|新|终于)?(?:买了|入手了|有|拥有|新买了|刚买了|换了)(?:一|两|\d)?(?:辆|台|套|把|部|个|块|双|件|栋|间)([\u4e00-\u9fffA-Za-z0-9]{1,10})"), 1, ""),
    ("event", "event", re.compile(r"(?:我|我们)(?:.{0,12}?)(去了|参加了|看了|吃了|见了|跑了|完成了|拿到了|做了|学了|考了|通过了|买了|去|回了|到了|爬了|办了|开始了|结束了|毕业了|生了|领养了|赢了|输了|认识了|庆祝了|搬了|旅行了|玩了|听了|写了|画了|发表了)(.*)"), 2, "past"),
]  # fmt: skip


FILLER = re.compile(r"我(?:就是|还是|依然|仍然|一直都|最近|现在|目前|也|还|又|反而|刚刚|刚|已经|真的|特别|挺|平时|前阵子|前段时间|居然|竟然|突然|"
                        r"其实|一直|都|就|才|终于|好像|早就|这段时间)+(?=[\u4e00-\u9fff])")  # fmt: skip


INTENT = re.compile(r"打算|计划|准备|决定|将要|想要|要去|下周|明年|明天|下个月")
STRONG_EVENT = re.compile(r"去了|参加了|完成了|毕业了|领养了|结婚了|旅行了|拿到了|考了|通过了|赢了")
# A subject other than the speaker (她今年五岁, 我女儿喜欢画画): what follows is about them.
THIRD = re.compile(rf"^(?:他|她|它|他们|她们|(?:我|我的|我家)?(?:{REL}))")
PRONOUNS = frozenset({"它", "这个", "那个", "这", "那", "这些", "那些", "他", "她"})
CONJ = re.compile(r"(?<=[\u4e00-\u9fffA-Za-z0-9])(?=而且|但是|并且|不过(?!敏)|可是)")
# Chat openers before the statement: 哈哈, 嗯, 对了, 好消息！
LEAD = re.compile(r"^(?:(?:哈哈+|嘿嘿|嗯+|对+|对了|好消息|告诉你|跟你说|话说|其实|然后|不过|所以|而且|并且|但是|可是|诶|哎|啊|哇|最近|前几天|"
                  r"居然|竟然|终于)[，,！!。~～]*\s*)+")  # fmt: skip
# "我现在在京东": where the user now is, a workplace or a city as the turn's topic says.
BARE_AT = re.compile(r"^我(?:人)?(?:在|去了|进了|到了|加入了|去|进)(?:一家)?(?!.*(?:工作|上班|读书|上学|实习))((?:(?![找熟考忙准学做看等想住读])[\u4e00-\u9fff]){2,4}|"
                     r"[A-Za-z][\w&.-]{1,20})(?:了|啦|呢|呀)?[。！!.~]?$")  # fmt: skip
JOB_TOPIC = re.compile(r"工作|上班|跳槽|入职|离职|辞职|offer|公司|新工作|换工作")
HOME_TOPIC = re.compile(r"搬|住|定居|安家|房子")
