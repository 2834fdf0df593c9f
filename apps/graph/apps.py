from __future__ import annotations

from django.apps import AppConfig


class GraphConfig(AppConfig):
    name = "apps.graph"
    label = "graph"

    def ready(self) -> None:
        from apps.graph.ranking import linked_memories
        from apps.graph.restore import graph_memories_restored
        from apps.graph.selectors import relation_changes, relation_users, relations_for_user
        from apps.graph.services import graph_memories_removed, graph_user_forget
        from apps.graph.stage import graph_stage
        from apps.graph.userdata import graph_user_data
        from apps.memories import registry

        # Relations from a done batch's user turns and facts, on its own queue.
        registry.stage_register(
            registry.Stage(name="graph", run=graph_stage, queue="graph", ordered=False)
        )
        # A memory's deletion retracts (erasure deletes) the edges it was the only source of.
        registry.memory_removal_hook_register(graph_memories_removed)
        registry.memory_restore_hook_register(graph_memories_restored)  # a soft delete undone
        # Search fuses the memories linked to the entities a query names (graph-aware retrieval).
        registry.linked_memories_register(linked_memories)
        for entry in graph_user_data():  # GDPR export and erasure (apps.privacy)
            registry.user_data_register(entry)
        # mem0's `relations` (enable_graph) on the compatibility paths.
        registry.relations_register(
            registry.RelationProvider(
                relations=relations_for_user,
                changes=relation_changes,
                forget=graph_user_forget,
                users=relation_users,
                stage="graph",
            )
        )
