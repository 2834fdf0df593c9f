"""Search latency over HTTP with a large tenant among many, the raw pgvector query time in the same
run, and ingestion throughput through the API.

    python bench/latency.py                       # 100k memories in one tenant among 1,000
    python bench/latency.py --memories 20000 --tenants 100 --queries 200   # a quicker run
    python bench/latency.py --tiny                # seconds: proves it runs (the test suite's smoke run)

Loading: 100k memories cannot go through the API in reasonable time on 2 cores (each needs an
e5 embedding, ~30/s), so the loader embeds `--base-vectors` distinct synthetic sentences for
real and gives every other row one of those vectors plus small noise. Texts are all distinct and
keyword-indexed for real. Queries go through the real HTTP path (query embedding included).
The bulk load names only the columns it fills; every other column of the model gets the model's
default (`copy_layout`), so a column added to `Memory` later does not break a fresh run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import synthetic
from bench.common import bench_env, client, percentile, prepare_database, spawned_server

TARGET = "bench-lat-0000"
# --tiny: every size small enough for the test suite's smoke run (tests/bench/test_smoke.py).
TINY = {"memories": 200, "tenants": 3, "other_memories_per_tenant": 5, "users": 2,
        "base_vectors": 40, "queries": 5, "ingest_single": 2, "ingest_batches": 1,
        "ingest_batch_size": 5}  # fmt: skip


def django_setup(env: dict[str, str]) -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")
    import django

    django.setup()


def load(args: argparse.Namespace) -> None:
    from django.db import connection

    from apps.memories import text
    from apps.memories.embeddings import get_embedder
    from apps.memories.maintenance import vector_indexes_create, vector_indexes_drop
    from apps.memories.models import Memory, TermStat
    from apps.tenants.models import Tenant

    tenants = [Tenant.objects.get_or_create(slug=TARGET, defaults={"name": TARGET})[0]]
    tenants += Tenant.objects.bulk_create(
        [Tenant(slug=f"bench-lat-{i:04d}", name=f"t{i}") for i in range(1, args.tenants)]
    )
    others_each = args.other_memories_per_tenant
    total = args.memories + others_each * (len(tenants) - 1)
    texts = synthetic.sentences(total)
    embedder = get_embedder()
    base_count = min(args.base_vectors, total)
    base = []
    for start in tqdm(range(0, base_count, 64), desc="embed base sentences", unit="x64"):
        base.append(embedder.embed_documents(texts[start : start + 64]))
    base = np.vstack(base)
    rng = np.random.default_rng(3)

    columns, defaults = copy_layout(Memory, MEMORY_COLUMNS)
    rows = io.StringIO()
    stats: dict[tuple[int, str], Counter] = {}
    lengths: Counter = Counter()
    docs: Counter = Counter()
    now = "2026-01-01T00:00:00Z"
    for i in tqdm(range(total), desc="build rows", unit="row"):
        if i < args.memories:
            tenant_id, user = tenants[0].pk, f"user-{i % args.users}"
        else:
            j = i - args.memories
            tenant_id, user = tenants[1 + j // others_each].pk, "user-0"
        vector = (
            base[i % base_count]
            if i < base_count
            else base[i % base_count] + rng.normal(0, 0.015, base.shape[1])
        )
        vector = vector / np.linalg.norm(vector)
        literal, length = text.tsvector_literal(texts[i])
        tokens = set(text.lexemes(texts[i]))
        counter = stats.setdefault((tenant_id, user), Counter())
        counter.update(tokens)
        lengths[(tenant_id, user)] += length
        docs[(tenant_id, user)] += 1
        vec = "[" + ",".join(f"{x:.5f}" for x in vector) + "]"
        fields = [str(uuid.uuid4()), str(tenant_id), user, texts[i], vec, embedder.name, literal,
                  str(length), now, now]  # fmt: skip
        rows.write("\t".join(_escape(f) for f in fields) + defaults + "\n")
    with connection.cursor() as cursor:
        print("dropping the vector indexes for the bulk load")
        vector_indexes_drop(cursor)
        started = time.perf_counter()
        table = Memory._meta.db_table
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(rows.getvalue())
        print(f"copied {total} rows in {time.perf_counter() - started:.0f} s")
        stat_columns, end = copy_layout(TermStat, TERMSTAT_COLUMNS)
        stat_rows = io.StringIO()
        for (tenant_id, user), counter in stats.items():
            stat_rows.write(
                f"{tenant_id}\t{user}\t\t{docs[(tenant_id, user)]}\t{lengths[(tenant_id, user)]}{end}\n"
            )
            for term, df in counter.items():
                stat_rows.write(f"{tenant_id}\t{user}\t{_escape(term)}\t{df}\t0{end}\n")
        table = TermStat._meta.db_table
        with cursor.cursor.copy(f"COPY {table} ({', '.join(stat_columns)}) FROM STDIN") as copy:
            copy.write(stat_rows.getvalue())
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '1GB'")
        vector_indexes_create(cursor, dim=embedder.dim)
        print(f"vector indexes built in {time.perf_counter() - started:.0f} s")
        cursor.execute("ANALYZE memories_memory")
        cursor.execute("ANALYZE memories_termstat")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


# What the loader writes itself, in this order; every other column gets the model's default.
MEMORY_COLUMNS = ["id", "tenant_id", "user_id", "value", "embedding", "embedding_model",
                  "search_vector", "search_length", "created_at", "updated_at"]  # fmt: skip
TERMSTAT_COLUMNS = ["tenant_id", "user_id", "term", "df", "total_length"]


def copy_layout(model, given: list[str]) -> tuple[list[str], str]:
    """The column list of a bulk COPY into `model`'s table, and the text that ends every row:
    the loader fills `given`, every other column gets the model's default (its value, or NULL
    when the field is nullable), a database default or identity is left to the database. A
    NOT NULL column with neither fails here, by name, instead of half-way through the COPY."""
    from django.db.models import NOT_PROVIDED

    fields = model._meta.concrete_fields
    unknown = set(given) - {f.column for f in fields}
    if unknown:
        raise RuntimeError(f"{model._meta.db_table} has no column {sorted(unknown)}")
    rest, texts = [], []
    for field in fields:
        if field.column in given or getattr(field, "db_returning", False):
            continue  # filled by the loader, or an identity the database assigns
        if field.db_default is not NOT_PROVIDED:
            continue
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise RuntimeError(
                f"{model._meta.db_table}.{field.column} is NOT NULL without a default: "
                "bench/latency.py must fill it (add it to the loader's columns)"
            )
        rest.append(field.column)
        texts.append(_copy_text(field, value))
    return [*given, *rest], "".join(f"\t{t}" for t in texts)


def _copy_text(field, value) -> str:
    """A Python value as COPY's text format writes it for `field`'s column."""
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import JSONField

    if value is None:
        return "\\N"
    if isinstance(field, JSONField):
        return _escape(json.dumps(value))
    if isinstance(field, ArrayField):
        items = ('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        return _escape("{" + ",".join(items) + "}")
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _escape(str(value))


def timed_searches(http, queries: list[str], body: dict, label: str) -> list[float]:
    for q in queries[:20]:  # warm-up
        http.post("/v1/memory/search", json={"query": q, **body}).raise_for_status()
    latencies = []
    for q in tqdm(queries, desc=label, unit="q"):
        started = time.perf_counter()
        response = http.post("/v1/memory/search", json={"query": q, **body})
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return latencies


def raw_pgvector(queries: list[str], body: dict) -> tuple[list[float], list[float]]:
    """The same nearest-neighbour query straight on PostgreSQL (as the planner runs it: HNSW),
    the exact scan the platform runs for one user's scope, and the embedding time."""
    from django.db import connection

    from apps.memories.embeddings import get_embedder, use_binary_vectors
    from apps.tenants.models import Tenant

    tenant = Tenant.objects.get(slug=TARGET)
    embedder = get_embedder()
    use_binary_vectors()
    where = "tenant_id = %s AND status = 'activated'"
    params: list = [tenant.pk]
    if body.get("user_id"):
        where += " AND user_id = %s"
        params.append(body["user_id"])
    sql = (f"SELECT id FROM memories_memory WHERE {where} AND embedding IS NOT NULL "
           "ORDER BY (embedding <=> %s) {exact} LIMIT 100")  # fmt: skip
    query_ms, embed_ms, exact_ms = [], [], []
    with connection.cursor() as cursor:
        for q in queries:
            started = time.perf_counter()
            vector = embedder.embed_query(q)
            embed_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            cursor.execute(sql.format(exact=""), [*params, vector])
            cursor.fetchall()
            query_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            cursor.execute(sql.format(exact="+ 0"), [*params, vector])
            cursor.fetchall()
            exact_ms.append((time.perf_counter() - started) * 1000)
    return query_ms, embed_ms, exact_ms


def ingestion(http, single: int, batches: int, batch_size: int) -> dict:
    texts = synthetic.sentences(single + batches * batch_size, seed=99)
    started = time.perf_counter()
    for i in tqdm(range(single), desc="ingest single", unit="msg"):
        http.post(
            "/v1/memory/add", json={"user_id": "ingest-single", "messages": texts[i]}
        ).raise_for_status()
    single_rate = single / (time.perf_counter() - started)
    started = time.perf_counter()
    for b in tqdm(range(batches), desc=f"ingest batch of {batch_size}", unit="batch"):
        chunk = texts[single + b * batch_size : single + (b + 1) * batch_size]
        http.post(
            "/v1/memory/add", json={"user_id": "ingest-batch", "messages": chunk}
        ).raise_for_status()
    batch_rate = batches * batch_size / (time.perf_counter() - started)
    return {"single_msgs_per_s": round(single_rate, 1), "batch_msgs_per_s": round(batch_rate, 1),
            "batch_size": batch_size}  # fmt: skip


def summary(values: list[float]) -> dict:
    return {f"p{p}": round(percentile(values, p), 1) for p in (50, 95, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--memories", type=int, default=100_000, help="in the measured tenant")
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--other-memories-per-tenant", type=int, default=10)
    parser.add_argument("--users", type=int, default=10, help="users sharing the big tenant")
    parser.add_argument("--base-vectors", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--database", help="default bench_latency (bench_latency_tiny with --tiny)")
    parser.add_argument("--backend", default="e5")
    parser.add_argument("--ingest-single", type=int, default=200)
    parser.add_argument("--ingest-batches", type=int, default=20)
    parser.add_argument("--ingest-batch-size", type=int, default=50)
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="a few hundred memories and queries: proves the benchmark runs, "
        "measures nothing worth publishing",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args()  # fmt: skip
    if args.tiny:
        vars(args).update(TINY)
    args.database = args.database or ("bench_latency_tiny" if args.tiny else "bench_latency")
    env = bench_env(args.database, args.backend)
    key = prepare_database(env, tenant=TARGET)
    django_setup(env)
    load(args)
    queries = synthetic.questions(args.queries)
    user_scope = {"user_id": "user-3", "limit": 10}
    results: dict = {"config": vars(args) | {"out": str(args.out)}}
    raw_user, embed, exact_user = raw_pgvector(queries, user_scope)
    raw_tenant, _, _ = raw_pgvector(queries, {"limit": 10})
    with spawned_server(database=args.database, backend=args.backend, key=key) as (base, key):
        http = client(base, key)
        scenarios = {
            f"hybrid, one user ({args.memories // args.users} memories)": user_scope,
            "vector only, one user": {**user_scope, "mode": "vector"},
            "keyword only, one user": {**user_scope, "mode": "keyword"},
            f"hybrid, whole tenant ({args.memories} memories)": {"limit": 10},
        }
        for label, body in scenarios.items():
            results[label] = summary(timed_searches(http, queries, body, label))
        results["ingestion"] = ingestion(
            http, args.ingest_single, args.ingest_batches, args.ingest_batch_size
        )
    results["raw pgvector, one user"] = summary(raw_user)
    results["raw exact scan, one user (the platform's SQL)"] = summary(exact_user)
    results["raw pgvector, whole tenant"] = summary(raw_tenant)
    results["query embedding (in-process)"] = summary(embed)
    first = next(iter(scenarios))
    results["ratio p50 HTTP hybrid / raw pgvector (one user)"] = round(
        results[first]["p50"] / max(results["raw pgvector, one user"]["p50"], 0.01), 1
    )
    exact = results["raw exact scan, one user (the platform's SQL)"]["p50"]
    results["ratio p50 HTTP hybrid / raw exact scan (one user)"] = round(
        results[first]["p50"] / max(exact, 0.01), 1
    )
    print(f"\n{'measure':<50}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for label, value in results.items():
        if isinstance(value, dict) and "p50" in value:
            print(f"{label:<50}{value['p50']:>10}{value['p95']:>10}{value['p99']:>10}")
    for label, value in results.items():
        if label.startswith("ratio"):
            print(f"{label}: {value}")
    print(f"ingestion: {results['ingestion']}")
    args.out.mkdir(exist_ok=True)
    path = args.out / f"latency-{int(time.time())}.json"
    path.write_text(json.dumps(results, indent=1, default=str))
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
