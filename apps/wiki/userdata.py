"""Wiki pages in the per-user data registry (GDPR export and erasure).

A wiki generated into a namespace keeps its pages as memories of that namespace (an end user id);
the memories are the floor's collection, the wiki and its pages this one. Erasing the user
removes the wikis of that namespace with their pages (the memories go with the floor's entry)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from apps.memories.registry import UserData
from apps.tenants.models import Tenant
from apps.wiki.models import Wiki, WikiPage


def wiki_pages_export(*, tenant: Tenant, user_id: str) -> Iterator[dict[str, Any]]:
    pages = WikiPage.objects.filter(tenant=tenant, wiki__namespace=user_id).select_related("wiki")
    for page in pages.order_by("wiki_id", "path").iterator(chunk_size=200):
        yield {"wiki_id": str(page.wiki_id), "wiki": page.wiki.name, "repo": page.wiki.repo_key,
               "path": page.path, "title": page.title, "content": page.content,
               "memory_id": str(page.memory_id) if page.memory_id else None,
               "updated_at": page.updated_at.isoformat()}  # fmt: skip


def wiki_pages_count(*, tenant: Tenant, user_id: str) -> int:
    wikis = Wiki.objects.filter(tenant=tenant, namespace=user_id).count()
    return wikis + WikiPage.objects.filter(tenant=tenant, wiki__namespace=user_id).count()


def wiki_pages_erase(*, tenant: Tenant, user_id: str) -> int:
    count = wiki_pages_count(tenant=tenant, user_id=user_id)
    WikiPage.objects.filter(tenant=tenant, wiki__namespace=user_id).delete()
    Wiki.objects.filter(tenant=tenant, namespace=user_id).delete()
    return count


def wiki_user_data() -> list[UserData]:
    return [
        UserData(name="wiki_pages", export=wiki_pages_export, count=wiki_pages_count,
                 erase=wiki_pages_erase, models=("wiki.Wiki", "wiki.WikiPage"), order=45)
    ]  # fmt: skip
