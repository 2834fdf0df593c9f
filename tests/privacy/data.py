"""A user with data in every registered collection, and the scan that proves an erasure left
none of it: every text, varchar, JSON, array and tsvector column of every table, and every Redis
key and value of the test db."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connection

from apps.core.models import FailedTask
from apps.core.ratelimit import redis_client
from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.pipeline import tiers
from apps.pipeline.faq import faq_promote
from apps.privacy.models import Consent

SCANNED_TYPES = ("text", "character varying", "json", "jsonb", "ARRAY", "tsvector", "character")


@dataclass
class Person:
    user_id: str
    marker: str  # a made-up word in their content, ending in digits so no stemmer changes it
    question: str  # QA memories are shared by a tenant's users who ask the same: one each


def person(prefix: str = "gdpr") -> Person:
    tag = uuid.uuid4().hex[:10]
    marker = f"qxmark{tag[:4]}7391"
    questions = {"gdpr": f"How do I feed a {marker}?",
                 "keep": f"Which train goes to the {marker} museum on Sundays?"}  # fmt: skip
    return Person(user_id=f"{prefix}-user-{tag}", marker=marker, question=questions[prefix])


def post(actor, path: str, body: dict, status: int = 200) -> dict:
    response = actor.client().post(path, body, format="json")
    assert response.status_code == status, response.content
    return response.json()


def fill(actor, who: Person) -> None:
    """Messages, turns, facts and versions (infer), QA with an FAQ event, segments and a profile,
    search-hit counters in Redis, an import staged for a worker, a consent, a failed task, a
    multimodal item with an object."""
    add = "/v1/memory/add"
    post(actor, add, {"user_id": who.user_id, "infer": True,
                      "messages": f"I live in {who.marker.capitalize()}"})  # fmt: skip
    post(actor, add, {"user_id": who.user_id, "infer": True,
                      "messages": "I just moved to Shanghai last month"})  # fmt: skip
    post(
        actor,
        "/v1/graph/extract/llm-parse",
        {
            "user_id": who.user_id,
            "response": (
                f"Entity: {who.marker.capitalize()} (Place)\n"
                f"Relation: USER lives_in {who.marker.capitalize()}"
            ),
        },
    )  # graph entities and edges
    post(actor, add, {"user_id": who.user_id, "infer": True, "messages": [
        {"role": "user", "content": who.question},
        {"role": "assistant", "content": f"A {who.marker} eats twice a day."}]})  # fmt: skip
    post(actor, "/v1/memory/search", {"user_id": who.user_id, "query": who.marker})
    tenant = actor.tenant
    with tenant_scope(tenant.pk):
        qa = Memory.objects.get(tenant=tenant, user_id=who.user_id, kind="qa")
        faq_promote(tenant=tenant, memory_id=str(qa.pk), reason=f"asked {who.marker}",
                    actor="test")  # fmt: skip
        tiers.profile_refresh(tenant=tenant, user_id=who.user_id)
        Consent.objects.create(tenant=tenant, user_id=who.user_id, purpose="memory",
                               granted=True, policy_version=who.marker)  # fmt: skip
    FailedTask.objects.create(task_name="test.task", task_id=uuid.uuid4().hex,
                              kwargs={"tenant_id": tenant.pk, "user_id": who.user_id},
                              exception=f"ValueError('{who.marker}')")  # fmt: skip
    post(actor, "/v1/memory/manage/import", {"user_id": who.user_id, "async_mode": "async",
         "memories": [{"memory": f"Imported {who.marker}"}]}, status=202)  # fmt: skip
    post(actor, "/v1/multimodal/store", {"user_id": who.user_id, "contents": [
        {"type": "text", "text": f"A photo of my {who.marker}"},
        {"type": "image", "caption": f"{who.marker} at home", "data": "cXhtYXJr",
         "url": f"https://example.com/{who.marker}.png"}]})  # fmt: skip


def db_hits(needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every column holding one of the needles (case-insensitive)."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(%s)",
            [list(SCANNED_TYPES)],
        )
        columns = cursor.fetchall()
        for table, column in columns:
            for needle in needles:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE strpos(lower("{column}"::text), %s) > 0',
                    [needle.lower()],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, needle))
    return found


def redis_hits(needles: list[str], memory_ids: list[str] = ()) -> list[str]:
    client = redis_client()
    found = []
    lowered = [n.lower() for n in [*needles, *memory_ids]]
    for key in client.scan_iter(count=500):
        if key.startswith(b"tests:stage:"):  # tests.worker_tasks' own stage, not the platform's
            continue
        kind = client.type(key).decode()
        values: list[bytes] = [key]
        if kind == "string":
            values.append(client.get(key) or b"")
        elif kind == "hash":
            for field, value in client.hgetall(key).items():
                values += [field, value]
        elif kind == "list":
            values += client.lrange(key, 0, -1)
        elif kind == "set":
            values += list(client.smembers(key))
        elif kind == "zset":
            values += client.zrange(key, 0, -1)
        text = b"\n".join(values).decode("utf-8", "replace").lower()
        found += [f"{key!r}: {n}" for n in lowered if n in text]
    return found
