"""Entity resolution without an LLM.

A name is first reduced to its key, the same comparable form the extraction rules and their
benchmark use (apps.graph.extraction.normalise.name_key): Unicode NFKC (full-width letters and
digits become ASCII), case folded, traditional Chinese turned into simplified (OpenCC's t2s
tables), punctuation and a leading English article dropped, spaces collapsed (removed between
Chinese characters). An existing entity whose key or one of whose alias keys is
equal is the same entity. Otherwise, for Latin names only (trigram similarity means little for
two- or three-character Chinese names), the most similar entity of the same type at or above
GRAPH_TRIGRAM_THRESHOLD is taken and the name becomes one of its aliases. Similarity is
pg_trgm's (shared trigrams over all trigrams of both), computed in SQL over the candidates a GIN
index on the stored trigrams finds (the embedded PostgreSQL ships no pg_trgm). When several
are about as similar, the one already linked to the other entities of the same text wins
(co-occurrence). Else a new entity is made.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from django.conf import settings
from django.db.models import F, FloatField, Func, Q
from django.db.models.expressions import RawSQL

from apps.graph.extraction.normalise import name_key as extraction_name_key
from apps.graph.models import Entity, Relation
from apps.tenants.models import Tenant

_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = (
    " \t\"'`.,;:!?()[]{}<>\u3002\uff0c\uff1b\uff1a\uff01\uff1f\u201c\u201d\u2018\u2019\u300a\u300b"
)
_LATIN = re.compile(r"[a-z0-9][a-z0-9 .'&-]*")
TIE_MARGIN = 0.05


def name_key(name: str) -> str:
    """The lookup key of a name: the extraction rules' comparable form (one normalisation for
    both, apps.graph.extraction.normalise.name_key), within the column's 200 characters."""
    return extraction_name_key(name)[:200]


def key_slug(key: str) -> str:
    """The reference's entity id: the key with spaces as underscores ("senior_engineer")."""
    return key.replace(" ", "_")


def is_latin(key: str) -> bool:
    return bool(_LATIN.fullmatch(key))


def entities_by_name(*, tenant: Tenant, name: str, user_id: str | None = None) -> list[Entity]:
    """Live (unmerged) entities whose key or alias key is the name's key."""
    key = name_key(name)
    rows = Entity.objects.filter(tenant=tenant, merged_into__isnull=True).filter(
        Q(key=key) | Q(alias_keys__contains=[key])
    )
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    return list(rows.order_by("pk"))


def _co_occurrence(entity_id: int, context_ids: Collection[int]) -> int:
    if not context_ids:
        return 0
    return Relation.objects.filter(
        Q(subject_id=entity_id, object_id__in=context_ids)
        | Q(object_id=entity_id, subject_id__in=context_ids)
    ).count()


def trigrams(key: str) -> list[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    if not is_latin(key):
        return []
    grams: set[str] = set()
    for word in re.findall(r"[a-z0-9]+", key):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return sorted(grams)


def similarity(a: list[str] | set[str], b: list[str] | set[str]) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both."""
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a and b else 0.0


def _similar(
    *, tenant: Tenant, user_id: str, key: str, entity_type: str, context_ids: Collection[int]
) -> Entity | None:
    threshold = settings.GRAPH_TRIGRAM_THRESHOLD
    grams = trigrams(key)
    # pg_trgm's similarity in SQL over the candidates sharing a trigram (GIN index), best first;
    # a similarity of t needs a trigram count between t*n and n/t, which prunes before scoring.
    shared = RawSQL(
        "(SELECT count(*)::float FROM (SELECT unnest(graph_entity.trigrams) INTERSECT "
        "SELECT unnest(%s::varchar[])) AS common)",
        (grams,),
        output_field=FloatField(),
    )
    size = Func(F("trigrams"), template="cardinality(%(expressions)s)::float",
                output_field=FloatField())  # fmt: skip
    rows = (
        Entity.objects.filter(
            tenant=tenant,
            user_id=user_id,
            merged_into__isnull=True,
            entity_type=entity_type,
            trigrams__overlap=grams,
        )
        .annotate(size=size)
        .filter(size__gte=threshold * len(grams), size__lte=len(grams) / threshold)
        .annotate(shared=shared)
        .annotate(score=F("shared") / (F("size") + len(grams) - F("shared")))
        .filter(score__gte=threshold)
        .order_by("-score", "pk")
        .only("pk", "key", "aliases", "alias_keys")[:5]
    )
    candidates = [(e.score, e) for e in rows]
    if not candidates:
        return None
    best = candidates[0][0]
    close = [e for score, e in candidates if score >= best - TIE_MARGIN]
    if len(close) == 1:
        return close[0]
    return max(close, key=lambda e: (_co_occurrence(e.pk, context_ids), -e.pk))


def entity_resolve(
    *,
    tenant: Tenant,
    user_id: str,
    name: str,
    entity_type: str,
    context_ids: Collection[int] = (),
) -> tuple[Entity, bool]:
    """The entity `name` denotes in this user's graph, made if there is none; (entity, made)."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip(_EDGE_PUNCT)[:200]
    key = name_key(name)
    exact = entities_by_name(tenant=tenant, name=name, user_id=user_id)
    if exact:
        entity = next((e for e in exact if e.key == key), exact[0])
        return _typed(entity, entity_type), False
    if is_latin(key) and len(key) >= 4:
        similar = _similar(
            tenant=tenant,
            user_id=user_id,
            key=key,
            entity_type=entity_type,
            context_ids=context_ids,
        )
        if similar is not None:
            alias_add(entity=similar, name=name)
            return similar, False
    entity, made = Entity.objects.get_or_create(
        tenant=tenant,
        user_id=user_id,
        key=key,
        merged_into=None,
        defaults={"name": name, "entity_type": entity_type or "Thing", "trigrams": trigrams(key)},
    )
    return entity, made


def _typed(entity: Entity, entity_type: str) -> Entity:
    """A "Thing" learns its type from a later, more specific mention."""
    if entity.entity_type == "Thing" and entity_type and entity_type != "Thing":
        entity.entity_type = entity_type
        Entity.objects.filter(pk=entity.pk).update(entity_type=entity_type)
    return entity


def alias_add(*, entity: Entity, name: str) -> None:
    key = name_key(name)
    if key == entity.key or key in entity.alias_keys:
        return
    entity.aliases = [*entity.aliases, name]
    entity.alias_keys = [*entity.alias_keys, key]
    Entity.objects.filter(pk=entity.pk).update(aliases=entity.aliases, alias_keys=entity.alias_keys)
