from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.graph.merges import entity_merge
from apps.graph.models import Entity, EntityMerge
from tests.console.staff import console_client, console_events, run_action


def _entity(tenant, name: str) -> Entity:
    with tenant_scope(tenant.pk):
        return Entity.objects.create(
            tenant=tenant, user_id="u1", name=name, key=name.lower(), aliases=[f"{name} alias"]
        )


def test_entities_relations_and_a_merge_undone_from_the_console(alice):
    ada, lovelace = _entity(alice.tenant, "Ada"), _entity(alice.tenant, "Lovelace")
    with tenant_scope(alice.tenant.pk):
        merge = entity_merge(tenant=alice.tenant, entity_id=lovelace.pk, into_id=ada.pk, actor="t")
    admin = console_client("root", superuser=True)
    page = admin.get("/admin/graph/entity/").content.decode()
    assert "Ada" in page and "Ada alias" in page
    detail = admin.get(f"/admin/graph/entity/{ada.pk}/change/")
    assert detail.status_code == 200 and f"subject__id__exact={ada.pk}" in detail.content.decode()
    for state in ("current", "closed"):
        assert admin.get(f"/admin/graph/relation/?state={state}").status_code == 200
    assert admin.get("/admin/graph/entitymerge/").status_code == 200

    page = run_action(admin, "/admin/graph/entitymerge/", "undo", [merge.pk])
    assert f"Merge {merge.pk} undone." in page
    merge.refresh_from_db()
    lovelace = Entity.unscoped.get(pk=lovelace.pk)
    assert merge.undone_at is not None and lovelace.merged_into_id is None
    [event] = console_events(tenant_id=alice.tenant.pk, username="root")
    assert (event.action, event.target_type, event.target_id) == (
        "console.change",
        "graph.entitymerge",
        str(merge.pk),
    )


def test_an_operator_may_undo_a_merge_and_support_may_not(alice):
    ada, lovelace = _entity(alice.tenant, "Ada"), _entity(alice.tenant, "Lovelace")
    with tenant_scope(alice.tenant.pk):
        merge = entity_merge(tenant=alice.tenant, entity_id=lovelace.pk, into_id=ada.pk, actor="t")
    support = console_client("sue", groups=("support",))
    assert support.get("/admin/graph/entitymerge/").status_code == 200
    run_action(support, "/admin/graph/entitymerge/", "undo", [merge.pk])
    assert EntityMerge.unscoped.get(pk=merge.pk).undone_at is None  # no such action for support
    operator = console_client("otto", groups=("operator",))
    run_action(operator, "/admin/graph/entitymerge/", "undo", [merge.pk])
    assert EntityMerge.unscoped.get(pk=merge.pk).undone_at is not None
