"""Entity keys as the one normalisation (apps.graph.extraction.normalise.name_key): keys made by
the older resolution key (punctuation and a leading article kept) are recomputed with their alias
keys and trigrams. An entity whose new key another live entity of the same user already holds
keeps its key and gains the new one as an alias key (both are still found by name)."""

from django.db import migrations


def rekey(apps, schema_editor) -> None:  # noqa: ANN001 - a migration's signature
    from apps.graph.resolution import name_key, trigrams

    entity_model = apps.get_model("graph", "Entity")
    taken: set[tuple[int, str, str]] = set()
    rows = list(entity_model._base_manager.order_by("pk"))
    live = [e for e in rows if e.merged_into_id is None]
    for entity in live:
        taken.add((entity.tenant_id, entity.user_id, entity.key))
    for entity in rows:
        key = name_key(entity.name)
        alias_keys = list(dict.fromkeys(name_key(a) for a in entity.aliases))
        slot = (entity.tenant_id, entity.user_id, key)
        if key != entity.key and entity.merged_into_id is None and slot in taken:
            alias_keys = list(dict.fromkeys([*alias_keys, key]))
            key = entity.key
        elif entity.merged_into_id is None:
            taken.discard((entity.tenant_id, entity.user_id, entity.key))
            taken.add(slot)
        alias_keys = [k for k in alias_keys if k != key]
        if (key, alias_keys) != (entity.key, entity.alias_keys):
            entity_model._base_manager.filter(pk=entity.pk).update(
                key=key, alias_keys=alias_keys, trigrams=trigrams(key)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("graph", "0003_relation_one_current"),
    ]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
