"""Every table that can hold an end user's id or content is covered by an entry of the per-user
data registry (apps.memories.registry), or exempt here with its reason. A new model with a
user id, or with text on a tenant-owned row, fails this test until it is registered."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from apps.core.tenancy import TenantOwnedModel
from apps.memories import registry

# "app_label.Model": why it holds no end user's data.
EXEMPT = {
    "tenants.ApiKey": "the tenant's keys: names, prefixes and hashes chosen by the tenant",
    "privacy.Suppression": "names the user only by subject (HMAC), must outlive the erasure",
    "wiki.SavedConnector": "the tenant's storage connectors (where its repositories are), no user's",
    "wiki.ConnectorSession": "a tested storage connector of the tenant for an hour, no user's",
}
USER_FIELDS = {"user_id", "end_user_id"}
TEXT_FIELDS = (models.TextField, models.JSONField, models.CharField)


def holds_user_data(model: type[models.Model]) -> list[str]:
    fields = [f for f in model._meta.concrete_fields]
    named = [f.name for f in fields if f.name in USER_FIELDS]
    if named:
        return named
    if issubclass(model, TenantOwnedModel):
        return [f.name for f in fields if isinstance(f, TEXT_FIELDS)]
    if model._meta.label == "core.FailedTask":  # platform-level, arguments may name a user
        return ["kwargs", "exception"]
    return []


def our_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models()
            if m._meta.app_config.name.startswith("apps.") and not m._meta.proxy]  # fmt: skip


def test_every_model_holding_user_data_is_registered_or_exempt():
    covered = {label for entry in registry.user_data_list() for label in entry.models}
    missing = {
        m._meta.label: holds_user_data(m)
        for m in our_models()
        if holds_user_data(m) and m._meta.label not in covered and m._meta.label not in EXEMPT
    }
    assert missing == {}, f"register these in the per-user data registry (or exempt): {missing}"


def test_the_walk_catches_a_new_unregistered_model():
    class Note(TenantOwnedModel):
        body = models.TextField()

        class Meta:
            app_label = "privacy"

    try:
        assert holds_user_data(Note) == ["body"]
        assert Note._meta.label not in {lbl for e in registry.user_data_list() for lbl in e.models}
    finally:
        apps.all_models["privacy"].pop("note", None)
        apps.clear_cache()


def test_registered_and_exempt_labels_name_real_models():
    labels = {m._meta.label for m in our_models()}
    stale = {lbl for e in registry.user_data_list() for lbl in e.models} - labels
    assert stale == set()
    assert {e.name for e in registry.user_data_list()} >= {"messages", "memories", "versions",
            "batches", "term_stats", "import_stages", "access_counters", "jobs", "failed_tasks",
            "segments", "profile", "faq_events", "consents", "export_requests", "audit_events"}  # fmt: skip
