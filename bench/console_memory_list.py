"""The console's memory list page (/admin/memories/memory/) on a table of a million memories.
Runs in-process on a database of its own (`--database`, default bench_console), dropped, created
and migrated first; the rows are bulk-inserted in SQL (INSERT ... SELECT generate_series; no
embeddings: the page never reads them), then ANALYZEd.

    python bench/console_memory_list.py               # 1,000,000 memories, 10 runs a page
    python bench/console_memory_list.py --tiny        # seconds: proves it runs

A superuser (who may read memory text, so the search box does full-text) is logged in with
Django's test Client; each page is fetched `runs` times after one warm-up, through the whole
middleware stack and template rendering. Printed per page: p50 / p95 in ms, the SQL queries of
one fetch, and the plan of every query on memories_memory (EXPLAIN, not ANALYZE): the run fails
if any of them is a sequential scan of the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tenants", type=int, default=5)
    parser.add_argument("--database", default="bench_console",
                        help="dropped and created for the run")  # fmt: skip
    parser.add_argument("--tiny", action="store_true", help="seconds: proves it runs")
    parser.add_argument("--out", default=str(ROOT / "bench/results"))
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:  # a database of its own, empty: dropped, created and migrated first
    from bench.common import bench_env, prepare_database

    os.environ["DATABASE_NAME"] = ARGS.database
    prepare_database(bench_env(ARGS.database, os.environ.get("EMBEDDING_BACKEND", "e5")))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.memories import text  # noqa: E402
from bench.common import percentile  # noqa: E402

LIST = "/admin/memories/memory/"
TEMPLATES = [
    "I live in {city} and work as a {job}",
    "My favourite drink is {drink} in the morning",
    "I am allergic to {food}",
    "We are planning a trip to {city} next summer",
    "My sister works as a {job} in {city}",
    "I stopped drinking {drink} last year",
    "The {food} at the office canteen is terrible",
    "Remind me to call the {job} about the invoice",
]
WORDS = {
    "city": ["Lisbon", "Osaka", "Nairobi", "Quito", "Tallinn", "Hobart", "Tromso", "Cusco"],
    "job": ["plumber", "nurse", "architect", "baker", "pilot", "lawyer", "teacher", "welder"],
    "drink": ["coffee", "matcha", "kefir", "rooibos", "espresso", "cider", "lassi", "yerba"],
    "food": ["peanuts", "shellfish", "gluten", "sesame", "kiwi", "soy", "eggs", "celery"],
}


def sentences() -> list[str]:
    out = []
    for i in range(64):
        template = TEMPLATES[i % len(TEMPLATES)]
        out.append(template.format(**{k: v[(i // len(TEMPLATES) + len(k)) % 8]
                                      for k, v in WORDS.items()}))  # fmt: skip
    return out


FILL = """
INSERT INTO memories_memory (id, tenant_id, user_id, agent_id, conversation_id, memory_type, key,
    value, kind, slot, mentions, tags, metadata, confidence, status, version, sources,
    embed_context, embedding_model, embedding_second_model, search_vector, search_length,
    access_count, created_at, updated_at)
SELECT gen_random_uuid(), (%s::bigint[])[1 + i %% %s], 'user-' || ((i / %s) %% %s), '', '',
    (ARRAY['LongTermMemory', 'LongTermMemory', 'UserMemory', 'WorkingMemory'])[1 + i %% 4], '',
    t.value || ' (#' || i || ')',
    (ARRAY['turn', 'turn', 'place', 'preference', 'event', 'qa', 'faq_candidate', ''])[1 + i %% 8],
    '', 1 + i %% 7, '{}', '{}', 1.0,
    CASE WHEN i %% 100 < 90 THEN 'activated' WHEN i %% 100 < 97 THEN 'archived' ELSE 'deleted' END,
    1, '[]', '', '', '', t.vector::tsvector, t.length, 0,
    now() - make_interval(secs => %s - i), now() - make_interval(secs => %s - i)
FROM generate_series(%s, %s) AS i
JOIN unnest(%s::text[], %s::text[], %s::int[]) WITH ORDINALITY AS t(value, vector, length, n)
    ON t.n = 1 + i %% %s
"""


def fill(rows: int, tenants: list[int], users_per_tenant: int) -> float:
    texts = sentences()
    vectors = [text.tsvector_literal(s) for s in texts]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        # The keyword postings trigger (one row per lexeme) is the API's; a bulk load skips it.
        cursor.execute("ALTER TABLE memories_memory DISABLE TRIGGER USER")
        step = 100_000
        for low in range(1, rows + 1, step):
            high = min(low + step - 1, rows)
            cursor.execute(FILL, [tenants, len(tenants), len(tenants), users_per_tenant, rows,
                                  rows, low, high, texts, [v for v, _ in vectors],
                                  [n for _, n in vectors], len(texts)])  # fmt: skip
            print(f"  {high} rows, {time.perf_counter() - start:.0f} s", flush=True)
        cursor.execute("ALTER TABLE memories_memory ENABLE TRIGGER USER")
        cursor.execute("VACUUM ANALYZE memories_memory")
    return time.perf_counter() - start


def plans(queries: list[str], strict: bool) -> list[str]:
    """The plan nodes of each captured query on memories_memory; `strict`: fails on a sequential
    scan of it (not at --tiny size, where the planner may rightly prefer one)."""
    found = []
    with connection.cursor() as cursor:
        for sql in queries:
            if "memories_memory" not in sql or sql.lstrip().upper().startswith("EXPLAIN"):
                continue
            cursor.execute(f"EXPLAIN {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            scans = [ln.strip().split("  (")[0].lstrip("-> ") for ln in lines
                     if "Scan" in ln]  # fmt: skip
            seq = any("Seq Scan on memories_memory" in ln for ln in lines)
            assert not (strict and seq), (sql, lines)
            found.append(" / ".join(scans))
    return found


def measure(client: Client, name: str, params: dict[str, str], runs: int, strict: bool) -> dict:
    response = client.get(LIST, params)  # warm-up
    assert response.status_code == 200, (name, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(LIST, params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(LIST, params)
    queries = [q["sql"] for q in captured.captured_queries]
    sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    scans = plans(queries, strict)
    result = {"n": runs, "p50": percentile(times, 50), "p95": percentile(times, 95),
              "queries": len(queries), "sql_ms": sql_ms, "plans": scans}  # fmt: skip
    print(f"{name:<28} p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms  "
          f"{len(queries)} queries, {sql_ms:.1f} ms in SQL", flush=True)  # fmt: skip
    for scan in scans:
        print(f"    plan: {scan}")
    return result


def main(args: argparse.Namespace) -> dict:
    from apps.tenants.services import tenant_create

    tenants = [tenant_create(slug=f"bench-console-{i}", name=f"Console {i}").pk
               for i in range(args.tenants)]  # fmt: skip
    users = max(args.rows // args.tenants // 100, 1)  # ~100 memories a user
    took = fill(args.rows, tenants, users)
    print(f"filled {args.rows} memories ({args.tenants} tenants, {users} users each) "
          f"in {took:.0f} s")  # fmt: skip
    User.objects.create_superuser("bench", "bench@example.com", "unused")
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    load = os.getloadavg()
    print(
        f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cpus"
    )
    tenant = str(tenants[0])
    cases = {
        "unfiltered": {},
        "tenant": {"tenant__id__exact": tenant},
        "tenant + user": {"tenant__id__exact": tenant, "user_id": "user-7"},
        "status archived": {"status__exact": "archived"},
        "tenant + status archived": {"tenant__id__exact": tenant, "status__exact": "archived"},
        "page 50": {"p": "50"},
        "search 'espresso'": {"q": "espresso"},
        "search 'espresso lisbon'": {"q": "espresso Lisbon"},
        "tenant + search 'kefir'": {"tenant__id__exact": tenant, "q": "kefir"},
    }
    results: dict = {"rows": args.rows, "tenants": args.tenants, "users_per_tenant": users,
                     "fill_s": took, "load_before": load}  # fmt: skip
    for name, params in cases.items():
        results[name] = measure(client, name, params, args.runs, strict=not args.tiny)
    results["load_after"] = os.getloadavg()
    print(f"load average after: {results['load_after'][0]:.2f}")
    return results


if __name__ == "__main__":
    assert ARGS is not None
    if ARGS.tiny:
        ARGS.rows, ARGS.runs, ARGS.tenants = 3000, 3, 3
    figures = main(ARGS)
    out = Path(ARGS.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"console_memory_list-{int(time.time())}.json"
    path.write_text(json.dumps(figures, indent=1))
    print(f"results written to {path}")
