"""Graph writes: storing triples (resolution, contradictions, sources), extraction by rules and
from an LLM's text answer, merges and their undo, and what a memory's removal does to edges."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.graph.models import SINGLE_VALUED, Entity, EntityMerge, Relation, RelationSource
from apps.graph.resolution import entity_resolve, name_key
from apps.memories.selectors import memory_ids_live
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
    speaker: str | None = None,
) -> StoreResult:
    """Store triples in the user's graph ("" = tenant-wide). An edge already current gains the
    source only (a redelivered task writes nothing twice); a single-valued predicate closes the
    subject's current edge to another object. The triples' USER is `speaker` when the text
    names who said it (a transcript's "Caroline: ..."), else the user themself."""
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
                    name, entity_type = speaker or _user_label(user_id), "Person"
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
    if predicate in SINGLE_VALUED:
        slot_lock(tenant=tenant, subject_id=subject.pk, predicate=predicate)
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
    try:
        # A savepoint: two stores of this fact at once both find no current edge; the second
        # insert waits for the first transaction and then breaks the one-current-edge
        # constraint. Its closing of other edges is undone with it, and it takes the winner's
        # edge (its caller adds its source there).
        with transaction.atomic():
            return _relation_create(
                tenant=tenant,
                user_id=user_id,
                subject=subject,
                obj=obj,
                predicate=predicate,
                confidence=confidence,
                moment=moment,
                others=[r for r in current if r.object_id != obj.pk],
            )
    except IntegrityError:
        winner = Relation.objects.select_for_update().get(
            tenant=tenant,
            user_id=user_id,
            subject=subject,
            predicate=predicate,
            object=obj,
            valid_to__isnull=True,
            invalidated_at__isnull=True,
        )
        if confidence > winner.confidence:
            Relation.objects.filter(pk=winner.pk).update(confidence=confidence)
        return winner


def slot_lock(*, tenant: Tenant, subject_id: int, predicate: str) -> None:
    """One slot per (subject, single-valued predicate): two stores of different objects at once
    would each miss the other's uncommitted edge and both stay current. The second waits here
    until the first commits, then sees its edge and closes it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"graph-slot:{tenant.pk}:{subject_id}:{predicate}"],
        )


def _relation_create(
    *,
    tenant: Tenant,
    user_id: str,
    subject: Entity,
    obj: Entity,
    predicate: str,
    confidence: float,
    moment: datetime,
    others: list[Relation],
) -> Relation:
    valid_to = None
    if predicate in SINGLE_VALUED:  # a contradiction closes, never deletes
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
        sources = RelationSource.objects.filter(tenant=tenant, relation_id__in=touched)
        # memories still standing: not among those removed now, nor deleted or archived before
        live = memory_ids_live(tenant=tenant, ids=sources.values("memory_id"), exclude=ids)
        others = set(
            sources.filter(Q(memory_id__isnull=True) | Q(memory_id__in=live)).values_list(
                "relation_id", flat=True
            )
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


def graph_user_forget(*, tenant: Tenant, user_id: str) -> int:
    """Retract every edge of the user's graph not retracted yet (mem0's delete of a user: its
    memories are deleted, and so is what the graph knows from anything the user said, sources
    or not). History keeps the edges; an erasure (apps.privacy) removes them."""
    return Relation.objects.filter(
        tenant=tenant, user_id=user_id, invalidated_at__isnull=True
    ).update(invalidated_at=timezone.now())
