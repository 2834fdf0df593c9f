"""Entity merges and their undo: a merge makes one entity an alias of another and repoints its
relations; the merge is recorded with what it moved, so an undo puts everything back."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.errors import BadRequest, Conflict, NotFound
from apps.graph.models import Entity, EntityMerge, Relation
from apps.graph.resolution import name_key
from apps.tenants.models import Tenant


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
        collapsed = _collapsed(entity=entity, into=into)
        into.aliases = [*into.aliases, *moved]
        into.alias_keys = [*into.alias_keys, *[name_key(n) for n in moved]]
        into.save(update_fields=["aliases", "alias_keys", "updated_at"])
        entity.merged_into = into
        entity.save(update_fields=["merged_into", "updated_at"])
        merge = EntityMerge.objects.create(
            tenant=tenant,
            user_id=entity.user_id,
            entity=entity,
            into=into,
            aliases_moved=moved,
            subject_relation_ids=subjects,
            object_relation_ids=objects,
            collapsed_relation_ids=collapsed,
            actor=actor,
        )
        Relation.objects.filter(pk__in=collapsed).update(invalidated_at=merge.created_at)
        Relation.objects.filter(pk__in=subjects).update(subject=into)
        Relation.objects.filter(pk__in=objects).update(object=into)
        return merge


def _collapsed(*, entity: Entity, into: Entity) -> list[int]:
    """The entity's current edges that, repointed to `into`, would repeat a current edge (of
    `into`, or another of these): the fact is already there once."""
    touching = Q(subject=entity) | Q(object=entity) | Q(subject=into) | Q(object=into)
    rows = Relation.objects.filter(touching, valid_to__isnull=True, invalidated_at__isnull=True)
    swap = {entity.pk: into.pk}
    seen: set[tuple[str, int, str, int]] = set()
    collapsed = []
    # `into`'s own edges first (they stay), then the entity's oldest first
    for edge in sorted(rows, key=lambda r: (entity.pk in (r.subject_id, r.object_id), r.pk)):
        fact = (edge.user_id, swap.get(edge.subject_id, edge.subject_id), edge.predicate,
                swap.get(edge.object_id, edge.object_id))  # fmt: skip
        if fact in seen:
            collapsed.append(edge.pk)
        seen.add(fact)
    return collapsed


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
        Relation.objects.filter(
            pk__in=merge.collapsed_relation_ids, invalidated_at=merge.created_at
        ).update(invalidated_at=None)
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
