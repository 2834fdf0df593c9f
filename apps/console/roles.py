"""The console's roles: Django groups with exact permission sets, created idempotently by
`manage.py console_roles` (run by `make run` and `make migrate`; safe to run again: each group's
permissions are set to exactly the list below, so a hand edit in the console is undone).

- support: view-only on every platform model; memory text hidden (no memories.view_memory_text).
- operator: view and change on memories, pipeline, graph, multimodal, wiki, defense (with add
  and delete: bans and whitelist entries), jobs and failed tasks (with delete: discard), memory
  text included; nothing of privacy, audit or tenants.
- compliance: privacy requests (start an export or an erasure), suppressions, consents, audit
  events, and memories in view with their text.
- superuser: Django's own flag, not a group."""

from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

SUPPORT, OPERATOR, COMPLIANCE = "support", "operator", "compliance"
MEMORY_TEXT = ("memories", "view_memory_text")
OPERATOR_APPS = ("memories", "pipeline", "graph", "multimodal", "wiki", "defense", "jobs")


def _platform_labels() -> list[str]:
    return [c.label for c in django_apps.get_app_configs() if c.name.startswith("apps.")]


def _codenames(app_label: str, verbs: tuple[str, ...]) -> Q:
    query = Q(pk__in=[])
    for verb in verbs:
        query |= Q(content_type__app_label=app_label, codename__startswith=f"{verb}_")
    return query


def role_permissions() -> dict[str, list[Permission]]:
    """The permissions of each role as they exist now (a permission not migrated yet, such as
    memories.view_memory_text before its migration, is simply absent: run the command again)."""
    text = Q(content_type__app_label=MEMORY_TEXT[0], codename=MEMORY_TEXT[1])
    support = Q(content_type__app_label__in=_platform_labels(), codename__startswith="view_")
    operator = Q(pk__in=[])
    for label in OPERATOR_APPS:
        operator |= _codenames(label, ("view", "change"))
    operator |= _codenames("defense", ("add", "delete"))
    operator |= Q(content_type__app_label="core", codename__in=[
        "view_failedtask", "change_failedtask", "delete_failedtask"])  # fmt: skip
    compliance = (
        _codenames("privacy", ("view", "add", "change"))
        | Q(content_type__app_label="audit", codename="view_auditevent")
        | Q(content_type__app_label="memories", codename="view_memory")
        | text
    )
    found = {
        SUPPORT: Permission.objects.filter(support).exclude(text),
        OPERATOR: Permission.objects.filter(operator),
        COMPLIANCE: Permission.objects.filter(compliance),
    }
    return {name: list(query.order_by("pk")) for name, query in found.items()}


def console_roles_ensure() -> dict[str, int]:
    """Create or update the groups; returns how many permissions each holds."""
    counts = {}
    for name, permissions in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts
