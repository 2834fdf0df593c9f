"""Graph-aware retrieval: which memories are linked to the entities a query names.

Registered in the floor's registry (`linked_memories_register`): search hands over the query's
text; this finds the live entities whose name or alias the text contains (the same
normalisation as resolution: case, width, traditional and simplified Chinese) and follows the
edges that are not retracted (current or closed: "where did I live before" needs closed ones)
that the question is about:

- an edge that joins two named entities ("When did Caroline go to the support group?"):
  distance 0, the most specific;
- one hop: an edge of a named entity whose relation the question asks for ("Where does Tom
  live?": lives_in; "What activities does Melanie do?": does, attended, likes; `ASKED`, English
  and Chinese words);
- two hops: from a named entity through a person or group it is tied to (family, friends,
  spouse, employer, school, club) to that one's edges of an asked relation ("Where does Tom's
  sister live?").

A person named in every question (the user, or a speaker of a transcript) would otherwise bring
every edge they have; a question that asks for no relation and names one entity brings nothing.
The answer is the memories those edges came from with their distance; the floor ranks them
(apps.memories.selectors.linked). Two SQL statements: the entities, then the hops and sources.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Q

from apps.graph.models import Entity, Relation, RelationSource
from apps.graph.resolution import name_key
from apps.tenants.models import Tenant

MAX_SEEDS = 20  # entities named by one query
MAX_NGRAM = 4  # words in a Latin name
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[A-Za-z0-9][\w&+.-]*(?:'[A-Za-z]+)?")
# One-word "names" a question is made of, never worth a lookup.
_SKIP = frozenset(
    "a an the i me my we our you your he she him her his they them their it its what who whom "
    "whose which when where why how is are was were do does did have has had be been will would "
    "can could should of in on at to for from with by about and or but not no yes this that "
    "these those there here any some all".split()
)

# The relations a question asks for, by the words it uses (English: whole words, with a plural
# "s"; Chinese: substrings).
_ASKED_WORDS = {
    "works_at": "work worked working job employer employed company career office "
    "工作 上班 公司 单位",
    "has_role": "job role profession career title position occupation 职位 职业 做什么 干什么",
    "lives_in": "live lived living home city moved move reside 住 搬",
    "born_in": "born birth hometown from 出生 老家 哪里人 哪儿人",
    "married_to": "married marry husband wife spouse partner 结婚 老公 老婆 丈夫 妻子 爱人",
    "parent_of": "kid child children son daughter baby 孩子 儿子 女儿 宝宝",
    "child_of": "parent mom mother dad father 父母 爸 妈 父亲 母亲",
    "sibling_of": "sister brother sibling 姐 妹 哥 弟 兄弟",
    "friend_of": "friend buddy pal 朋友 好友 闺蜜",
    "likes": "like liked love loved enjoy enjoyed favorite favourite fan into hobby hobbies "
    "喜欢 爱 爱好 最爱",
    "owns": "own owned pet dog cat car bought 养 宠物 买 拥有",
    "studied_at": "study studied studies studying school college university degree major "
    "graduated graduate 学校 大学 毕业 读书 专业",
    "member_of": "member club group team band join joined community 成员 俱乐部 加入 社团 团队",
    "located_in": "where located based 在哪 位于",
    "attended": "event attend attended attending participate participated participating "
    "partake went visit visited join joined class workshop conference parade festival concert "
    "trip travel traveled travelled vacation vacationed visit toured country countries city "
    "cities place places location locations 参加 活动 去了 去过 旅行 旅游 国家 城市",
    "does": "activity activities hobby hobbies doing partake play played pastime sport destress "
    "de-stress relax exercise 爱好 运动 做什么 玩",
}
ASKED: dict[str, tuple[str, ...]] = {p: tuple(w.split()) for p, w in _ASKED_WORDS.items()}
# The ties a second hop goes through: from a named entity to a person or group it is tied to.
THROUGH = ("parent_of", "child_of", "sibling_of", "friend_of", "married_to", "works_at",
           "studied_at", "member_of")  # fmt: skip
_ASKED_EN = {
    predicate: re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in words if w.isascii()) + r")s?\b", re.I
    )
    for predicate, words in ASKED.items()
}


def asked_predicates(text: str) -> list[str]:
    """The relations the question asks for (see `ASKED`)."""
    return sorted(
        predicate
        for predicate, words in ASKED.items()
        if _ASKED_EN[predicate].search(text) or any(w in text for w in words if not w.isascii())
    )


LINKED_SQL = """
    WITH seeds AS (SELECT unnest(%s::bigint[]) AS id),
    touching AS (
        SELECT r.id, r.predicate, CASE WHEN r.subject_id IN (SELECT id FROM seeds)
                                       THEN r.object_id ELSE r.subject_id END AS other
        FROM {relation} r
        WHERE r.tenant_id = %s AND r.invalidated_at IS NULL {user}
          AND (r.subject_id IN (SELECT id FROM seeds) OR r.object_id IN (SELECT id FROM seeds))
    ),
    hop1 AS (
        SELECT id, CASE WHEN other IN (SELECT id FROM seeds) THEN 0 ELSE 1 END AS hops
        FROM touching
        WHERE predicate = ANY(%s::varchar[]) OR other IN (SELECT id FROM seeds)
    ),
    hop2 AS (
        SELECT r.id FROM {relation} r
        WHERE r.tenant_id = %s AND r.invalidated_at IS NULL {user}
          AND r.predicate = ANY(%s::varchar[])
          AND r.subject_id IN (SELECT other FROM touching WHERE predicate = ANY(%s::varchar[]))
          AND r.id NOT IN (SELECT id FROM touching)
    ),
    edges AS (SELECT id, hops FROM hop1 UNION ALL SELECT id, 2 FROM hop2)
    SELECT s.memory_id, MIN(e.hops) AS hops
    FROM edges e JOIN {source} s ON s.relation_id = e.id AND s.tenant_id = %s
    WHERE s.memory_id IS NOT NULL
    GROUP BY s.memory_id ORDER BY hops LIMIT %s
"""


def name_candidates(text: str) -> list[str]:
    """The keys of every span of `text` that could be a name: runs of one to four words (not a
    lone question word), and two to eight characters of a Chinese run."""
    keys: set[str] = set()
    words = [w.removesuffix("'s") for w in _WORD.findall(text)]
    for size in range(1, MAX_NGRAM + 1):
        for start in range(len(words) - size + 1):
            span = words[start : start + size]
            if size == 1 and (span[0].lower() in _SKIP or len(span[0]) < 2):
                continue
            keys.add(name_key(" ".join(span)))
    for run in _HAN_RUN.findall(text[:500]):
        for size in range(2, min(8, len(run)) + 1):
            keys.update(name_key(run[i : i + size]) for i in range(len(run) - size + 1))
    keys.discard("")
    return sorted(keys)


def linked_memories(
    *, tenant: Tenant, user_id: str | None, text: str, limit: int
) -> dict[str, int]:
    keys = name_candidates(text)
    if not keys:
        return {}
    seeds = Entity.objects.filter(tenant=tenant, merged_into__isnull=True).filter(
        Q(key__in=keys) | Q(alias_keys__overlap=keys)
    )
    if user_id is not None:
        seeds = seeds.filter(user_id__in=[user_id, ""])
    seed_ids = list(seeds.order_by("pk").values_list("pk", flat=True)[:MAX_SEEDS])
    if not seed_ids:
        return {}
    user, user_params = "", []
    if user_id is not None:
        user, user_params = "AND r.user_id IN (%s, '')", [user_id]
    sql = LINKED_SQL.format(
        relation=Relation._meta.db_table, source=RelationSource._meta.db_table, user=user
    )
    asked = asked_predicates(text)
    params = [seed_ids, tenant.pk, *user_params, asked, tenant.pk, *user_params, asked,
              list(THROUGH), tenant.pk, limit]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {str(memory_id): hops for memory_id, hops in cursor.fetchall()}
