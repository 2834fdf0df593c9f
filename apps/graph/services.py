"""Graph writes: storing triples (resolution, contradictions, sources), extraction by rules and
from an LLM's text answer, merges and their undo, and what a memory's removal does to edges."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.core.errors import BadRequest, Conflict, NotFound
from apps.graph.models import SINGLE_VALUED, Entity, EntityMerge, Relation, RelationSource
from apps.graph.resolution import entity_resolve, name_key
from apps.memories.models import Memory
from apps.tenants.models import Tenant

USER = "USER"  # the extractor's name for the speaking user
_PREDICATE = re.compile(r"[a-z][a-z0-9_]{1,39}")


class TripleLike(Protocol):
    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    confidence: float


@dataclass(frozen=True)
class Triple:
    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    confidence: float = 1.0


@dataclass
class StoreResult:
    entities_added: int = 0
    relations: list[Relation] = field(default_factory=list)
    extractor: str = ""


def _user_label(user_id: str) -> str:
    return user_id or "user"


def graph_store(
    *,
    tenant: Tenant,
    user_id: str,
    triples: Sequence[TripleLike],
    entities: Sequence[tuple[str, str]] = (),
    memory_id: str | None = None,
    message_id: int | None = None,
    valid_from: datetime | None = None,
) -> StoreResult:
    """Store triples in the user's graph ("" = tenant-wide). An edge already current gains the
    source only (a redelivered task writes nothing twice); a single-valued predicate closes the
    subject's current edge to another object."""
    result = StoreResult()
    moment = valid_from or timezone.now()
    with transaction.atomic():
        context: set[int] = set()
        for name, entity_type in entities:
            entity, made = entity_resolve(
                tenant=tenant,
                user_id=user_id,
                name=name,
                entity_type=entity_type,
                context_ids=context,
            )
            context.add(entity.pk)
            result.entities_added += made
        for triple in triples:
            ends = []
            for name, entity_type in (
                (triple.subject, triple.subject_type),
                (triple.object, triple.object_type),
            ):
                if name == USER:
                    name, entity_type = _user_label(user_id), "Person"
                entity, made = entity_resolve(
                    tenant=tenant,
                    user_id=user_id,
                    name=name,
                    entity_type=entity_type,
                    context_ids=context,
                )
                context.add(entity.pk)
                result.entities_added += made
                ends.append(entity)
            subject, obj = ends
            if subject.pk == obj.pk:
                continue
            relation = _relation_store(
                tenant=tenant,
                user_id=user_id,
                subject=subject,
                obj=obj,
                predicate=triple.predicate,
                confidence=triple.confidence,
                moment=moment,
            )
            if memory_id is not None or message_id is not None:
                RelationSource.objects.bulk_create(
                    [
                        RelationSource(
                            tenant=tenant,
                            relation=relation,
                            memory_id=memory_id,
                            message_id=message_id,
                        )
                    ],
                    ignore_conflicts=True,
                )
            result.relations.append(relation)
    return result


def _relation_store(
    *,
    tenant: Tenant,
    user_id: str,
    subject: Entity,
    obj: Entity,
    predicate: str,
    confidence: float,
    moment: datetime,
) -> Relation:
    current = Relation.objects.select_for_update().filter(
        tenant=tenant,
        subject=subject,
        predicate=predicate,
        valid_to__isnull=True,
        invalidated_at__isnull=True,
    )
    same = next((r for r in current if r.object_id == obj.pk), None)
    if same is not None:
        if confidence > same.confidence:
            Relation.objects.filter(pk=same.pk).update(confidence=confidence)
        return same
    valid_to = None
    if predicate in SINGLE_VALUED:  # a contradiction closes, never deletes
        others = [r for r in current if r.object_id != obj.pk]
        newer = [r.valid_from for r in others if r.valid_from > moment]
        if newer:  # stated before what is known now (a late task): recorded as already closed
            valid_to = min(newer)
        else:
            Relation.objects.filter(pk__in=[r.pk for r in others]).update(valid_to=moment)
    return Relation.objects.create(
        tenant=tenant,
        user_id=user_id,
        subject=subject,
        predicate=predicate,
        object=obj,
        confidence=confidence,
        valid_from=moment,
        valid_to=valid_to,
    )


def triples_extract(text: str) -> tuple[list[TripleLike], str]:
    """(triples, extractor): the LLM's when GRAPH_LLM_EXTRACT is on and it answers, else the
    rules' (no LLM call by default)."""
    from apps.graph import llm
    from apps.graph.extraction import extract

    found = llm.llm_triples(text)
    if found is not None:
        return found, "llm"
    return extract(text), "rules"


def graph_extract(*, tenant: Tenant, user_id: str, text: str) -> StoreResult:
    triples, extractor = triples_extract(text)
    result = graph_store(tenant=tenant, user_id=user_id, triples=triples)
    result.extractor = extractor
    return result


# --- the reference's LLM text format ------------------------------------------------------------

LLM_PROMPT = """Extract entities and relations from the following text.
Answer with one item per line, nothing else:
Entity: <name> (<type>)
Relation: <subject name> <predicate> <object name>
Types: Person, Organization, Place, Role, Thing, Group.
Predicates: {predicates}.
Call the speaker USER.

Text:
{text}"""

_ENTITY_LINE = re.compile(r"^\s*entity\s*:\s*(.+?)\s*(?:\(\s*([^()]{1,40})\s*\))?\s*$", re.I)
_RELATION_LINE = re.compile(r"^\s*relation\s*:\s*(.+?)\s*$", re.I)


def llm_prompt(*, text: str) -> str:
    from apps.graph.models import PREDICATES

    return LLM_PROMPT.format(predicates=", ".join(PREDICATES), text=text)


def llm_response_parse(response: str) -> tuple[list[tuple[str, str]], list[Triple]]:
    """`Entity: Alice (Person)` and `Relation: Alice works_at Google` lines; anything else is
    ignored. A relation's predicate is its first snake_case word that is a known predicate, else
    its first word with an underscore."""
    from apps.graph.models import PREDICATES

    entities: list[tuple[str, str]] = []
    types: dict[str, str] = {}
    triples: list[Triple] = []
    for line in response.splitlines():
        if match := _ENTITY_LINE.match(line):
            name, entity_type = match.group(1).strip(), (match.group(2) or "Thing").strip()
            if name:
                entities.append((name[:200], entity_type.title()[:40]))
                types[name_key(name)] = entity_type.title()[:40]
        elif match := _RELATION_LINE.match(line):
            words = match.group(1).split()
            at = next(
                (i for i, w in enumerate(words) if w in PREDICATES and 0 < i < len(words) - 1), None
            )
            if at is None:
                at = next(
                    (
                        i
                        for i, w in enumerate(words)
                        if "_" in w and _PREDICATE.fullmatch(w) and 0 < i < len(words) - 1
                    ),
                    None,
                )
            if at is None:
                continue
            subject, obj = " ".join(words[:at]), " ".join(words[at + 1 :])
            triples.append(
                Triple(
                    subject[:200],
                    types.get(name_key(subject), "Thing"),
                    words[at],
                    obj[:200],
                    types.get(name_key(obj), "Thing"),
                )
            )
    return entities, triples


def graph_llm_parse(*, tenant: Tenant, user_id: str, response: str) -> StoreResult:
    # A response with no line in the format merges nothing: the answer says so (0 added), as it
    # would for lines that only restate what the graph holds.
    entities, triples = llm_response_parse(response)
    return graph_store(tenant=tenant, user_id=user_id, triples=triples, entities=entities)


# --- merges ---------------------------------------------------------------------------------------


def _live_entity(*, tenant: Tenant, entity_id: int) -> Entity:
    entity = Entity.objects.filter(tenant=tenant, pk=entity_id).first()
    if entity is None:
        raise NotFound(f"Entity {entity_id} not found.", code="entity_not_found")
    if entity.merged_into_id is not None:
        raise Conflict(
            f"Entity {entity_id} was merged into {entity.merged_into_id}.", code="entity_merged"
        )
    return entity


def entity_merge(*, tenant: Tenant, entity_id: int, into_id: int, actor: str) -> EntityMerge:
    """`entity_id` becomes an alias of `into_id`: its name and aliases move, its edges are
    repointed, and it is hidden (kept, so the merge can be undone)."""
    if entity_id == into_id:
        raise Conflict("An entity cannot be merged into itself.", code="merge_same_entity")
    with transaction.atomic():
        entity = _live_entity(tenant=tenant, entity_id=entity_id)
        into = _live_entity(tenant=tenant, entity_id=into_id)
        entities = {
            e.pk: e for e in Entity.objects.select_for_update().filter(pk__in=[entity.pk, into.pk])
        }
        entity, into = entities[entity.pk], entities[into.pk]
        if entity.user_id != into.user_id:
            raise BadRequest(
                "Entities of different users cannot be merged.", code="merge_across_users"
            )
        moved = [
            n
            for n in [entity.name, *entity.aliases]
            if name_key(n) != into.key and name_key(n) not in into.alias_keys
        ]
        moved = list(dict.fromkeys(moved))
        subjects = list(Relation.objects.filter(subject=entity).values_list("pk", flat=True))
        objects = list(Relation.objects.filter(object=entity).values_list("pk", flat=True))
        Relation.objects.filter(pk__in=subjects).update(subject=into)
        Relation.objects.filter(pk__in=objects).update(object=into)
        into.aliases = [*into.aliases, *moved]
        into.alias_keys = [*into.alias_keys, *[name_key(n) for n in moved]]
        into.save(update_fields=["aliases", "alias_keys", "updated_at"])
        entity.merged_into = into
        entity.save(update_fields=["merged_into", "updated_at"])
        return EntityMerge.objects.create(
            tenant=tenant,
            user_id=entity.user_id,
            entity=entity,
            into=into,
            aliases_moved=moved,
            subject_relation_ids=subjects,
            object_relation_ids=objects,
            actor=actor,
        )


def merge_undo(*, tenant: Tenant, merge_id: int) -> EntityMerge:
    """Reverse a merge: the edges it repointed go back, its aliases leave the target, the entity
    is live again. Refused when its entity's key was taken meanwhile by a new entity."""
    with transaction.atomic():
        merge = EntityMerge.objects.select_for_update().filter(tenant=tenant, pk=merge_id).first()
        if merge is None:
            raise NotFound(f"Merge {merge_id} not found.", code="merge_not_found")
        if merge.undone_at is not None:
            raise Conflict(f"Merge {merge_id} was already undone.", code="merge_already_undone")
        later = EntityMerge.objects.filter(entity=merge.into, undone_at__isnull=True).exists()
        if later:
            raise Conflict(
                "Its target was merged since: undo that merge first.", code="merge_target_merged"
            )
        entity = Entity.objects.select_for_update().get(pk=merge.entity_id)
        into = Entity.objects.select_for_update().get(pk=merge.into_id)
        taken = Entity.objects.filter(
            tenant=tenant, user_id=entity.user_id, key=entity.key, merged_into__isnull=True
        ).exists()
        if taken:
            raise Conflict("A new entity has the merged entity's name.", code="merge_key_taken")
        Relation.objects.filter(pk__in=merge.subject_relation_ids, subject=into).update(
            subject=entity
        )
        Relation.objects.filter(pk__in=merge.object_relation_ids, object=into).update(object=entity)
        moved = {name_key(n) for n in merge.aliases_moved}
        kept = [
            (n, k) for n, k in zip(into.aliases, into.alias_keys, strict=False) if k not in moved
        ]
        into.aliases, into.alias_keys = [n for n, _ in kept], [k for _, k in kept]
        into.save(update_fields=["aliases", "alias_keys", "updated_at"])
        entity.merged_into = None
        entity.save(update_fields=["merged_into", "updated_at"])
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
        return merge


# --- a memory's removal: retraction (deleted / archived) or erasure (rows gone) -------------------


def graph_memories_removed(*, tenant: Tenant, memory_ids: Iterable[str], erase: bool) -> int:
    """Edges whose every memory source is among `memory_ids` are closed (`invalidated_at`) or,
    on erasure, deleted; the sources themselves go on erasure. Entities left with no edge are
    removed. Returns how many edges were touched."""
    ids = [str(m) for m in memory_ids]
    if not ids:
        return 0
    with transaction.atomic():
        touched = set(
            RelationSource.objects.filter(tenant=tenant, memory_id__in=ids).values_list(
                "relation_id", flat=True
            )
        )
        if not touched:
            return 0
        others = set(
            RelationSource.objects.filter(tenant=tenant, relation_id__in=touched)
            .filter(Q(memory_id__isnull=True) | Q(memory_id__in=_live_memories(tenant, ids)))
            .values_list("relation_id", flat=True)
        )
        orphaned = touched - others
        if erase:
            RelationSource.objects.filter(tenant=tenant, memory_id__in=ids).delete()
            ends = _ends(orphaned)
            Relation.objects.filter(tenant=tenant, pk__in=orphaned).delete()
        else:
            ends = _ends(orphaned)
            Relation.objects.filter(
                tenant=tenant, pk__in=orphaned, invalidated_at__isnull=True
            ).update(invalidated_at=timezone.now())
        entities_prune(tenant=tenant, entity_ids=ends)
    return len(orphaned)


def _live_memories(tenant: Tenant, removed: list[str]) -> QuerySet:
    """Memories still standing: not among those removed now, nor deleted or archived before."""
    return (
        Memory.objects.filter(tenant=tenant, status=Memory.Status.ACTIVATED)
        .exclude(pk__in=removed)
        .values("pk")
    )


def _ends(relation_ids: Iterable[int]) -> set[int]:
    rows = Relation.objects.filter(pk__in=list(relation_ids)).values_list("subject_id", "object_id")
    return {pk for pair in rows for pk in pair}


def entities_prune(*, tenant: Tenant, entity_ids: Iterable[int]) -> int:
    """Remove those of these entities that no edge (current, closed or retracted) touches and
    that no merge records."""
    edges = Relation.objects.filter(Q(subject_id=OuterRef("pk")) | Q(object_id=OuterRef("pk")))
    merges = EntityMerge.objects.filter(Q(entity_id=OuterRef("pk")) | Q(into_id=OuterRef("pk")))
    bare = Entity.objects.filter(tenant=tenant, pk__in=list(entity_ids)).filter(
        ~Exists(edges), ~Exists(merges)
    )
    return bare.delete()[0]
