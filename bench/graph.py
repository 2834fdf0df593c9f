"""/v1/graph/path (depth 3) and /v1/graph/query latency over HTTP on a large graph. Runs on a
database of its own (`--database`, default bench_graph), dropped, created and migrated first,
with a spawned server (bench/common.py).

    python bench/graph.py                 # 100,000 relations in the measured tenant
    python bench/graph.py --tiny          # seconds: proves it runs

Data, bulk loaded with COPY: in the measured tenant, `--relations` edges among relations / 5
entities of one user (out-degree about 5: subjects drawn uniformly, objects skewed, rank^-0.8,
so that some entities are hubs with hundreds of incoming edges), predicates drawn from the 14;
three other tenants with a tenth as many each, with the same entity names (a walk or lookup that
left its tenant would find theirs). Queries: /query for random entity names; /path from a random
entity to one three steps away along out-edges (found), and to a random entity (mostly not
reachable within three steps: the whole bounded walk is done) with max_depth 3.

Figures: p50/p95/mean over `--queries` requests of each kind, and of a baseline request that
takes the same way in (key, tenant scope, rate limit) and reads no graph (/extract/llm-prompt):
the difference is what the graph costs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relations", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database", default="bench_graph", help="dropped and created for the run")
    parser.add_argument("--tiny", action="store_true", help="seconds: proves it runs")
    parser.add_argument("--out", default=str(ROOT / "bench/results"))
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
BACKEND = os.environ.get("EMBEDDING_BACKEND", "e5")
if ARGS is not None:
    if ARGS.tiny:
        ARGS.relations, ARGS.queries = 2000, 20
    from bench.common import bench_env, prepare_database

    os.environ["DATABASE_NAME"] = ARGS.database
    prepare_database(bench_env(ARGS.database, BACKEND))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from apps.graph.models import PREDICATES, Entity, Relation  # noqa: E402
from apps.graph.resolution import trigrams  # noqa: E402
from apps.tenants.services import api_key_create, tenant_create  # noqa: E402

RNG = np.random.default_rng(13)
USER = "bench"
RESULTS: dict[str, object] = {}


def load(*, tenant_id: int, relations: int) -> tuple[list[int], dict[int, list[int]]]:
    """Entities and edges of one tenant; (entity ids, out-neighbours of each)."""
    n = max(10, relations // 5)
    with (
        connection.cursor() as cursor,
        cursor.copy(
            f"COPY {Entity._meta.db_table} (tenant_id, user_id, name, key, entity_type, aliases, "
            "alias_keys, trigrams, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for index in range(n):
            name = f"Entity {index}"
            copy.write_row((tenant_id, USER, name, name.lower(), "Person", [], [],
                            trigrams(name.lower()), "2026-12-01T00:00:00Z",
                            "2026-12-01T00:00:00Z"))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {Entity._meta.db_table} WHERE tenant_id = %s ORDER BY id",
                       [tenant_id])  # fmt: skip
        ids = [row[0] for row in cursor.fetchall()]
    weights = 1.0 / np.arange(1, n + 1) ** 0.8
    subjects = RNG.integers(0, n, size=relations)
    objects = RNG.choice(n, size=relations, p=weights / weights.sum())
    predicates = RNG.integers(0, len(PREDICATES), size=relations)
    neighbours: dict[int, list[int]] = {}
    with (
        connection.cursor() as cursor,
        cursor.copy(
            f"COPY {Relation._meta.db_table} (tenant_id, user_id, subject_id, predicate, "
            "object_id, confidence, valid_from, recorded_at) FROM STDIN"
        ) as copy,
    ):
        seen: set[tuple[int, int, int]] = set()
        for s, o, p in zip(subjects.tolist(), objects.tolist(), predicates.tolist(), strict=True):
            if s == o or (s, p, o) in seen:  # one current edge per fact (a unique index)
                continue
            seen.add((s, p, o))
            copy.write_row((tenant_id, USER, ids[s], PREDICATES[p], ids[o], 0.9,
                            "2026-12-01T00:00:00Z", "2026-12-01T00:00:00Z"))  # fmt: skip
            neighbours.setdefault(s, []).append(o)
    return ids, neighbours


def build() -> tuple[str, int, dict[int, list[int]]]:
    tenant = tenant_create(slug="bench-graph")
    key = api_key_create(tenant=tenant, name="bench", scopes=["graph"]).secret
    start = time.perf_counter()
    _, neighbours = load(tenant_id=tenant.pk, relations=ARGS.relations)
    for index in range(3):
        other = tenant_create(slug=f"bench-graph-other-{index}")
        load(tenant_id=other.pk, relations=max(100, ARGS.relations // 10))
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {Entity._meta.db_table}")
        cursor.execute(f"VACUUM ANALYZE {Relation._meta.db_table}")
    RESULTS["load_s"] = round(time.perf_counter() - start, 1)
    print(f"loaded {ARGS.relations} relations (+3 tenants of {ARGS.relations // 10}) in "
          f"{RESULTS['load_s']} s", flush=True)  # fmt: skip
    return key, max(10, ARGS.relations // 5), neighbours


def three_steps(start: int, neighbours: dict[int, list[int]]) -> int | None:
    node = start
    for _ in range(3):
        choices = neighbours.get(node)
        if not choices:
            return None
        node = int(RNG.choice(choices))
    return node if node != start else None


def timed(http, path: str, bodies: list[dict]) -> tuple[list[float], list[dict]]:
    times, answers = [], []
    for body in bodies:
        start = time.perf_counter()
        response = http.post(path, json=body)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
        answers.append(response.json())
    return times, answers


def summary(name: str, times: list[float]) -> dict[str, float]:
    from bench.common import latency_summary

    return latency_summary(name, times, "requests")


def main() -> None:
    import logging

    from bench.common import client, spawned_server

    logging.getLogger("httpx").setLevel(logging.WARNING)
    key, n, neighbours = build()
    queries = [{"query": f"Entity {int(i)}"} for i in RNG.integers(0, n, size=ARGS.queries)]
    found_paths = []
    while len(found_paths) < ARGS.queries:
        source = int(RNG.integers(0, n))
        target = three_steps(source, neighbours)
        if target is not None:
            found_paths.append({"from": f"Entity {source}", "to": f"Entity {target}",
                                "max_depth": 3})  # fmt: skip
    random_paths = [{"from": f"Entity {int(a)}", "to": f"Entity {int(b)}", "max_depth": 3}
                    for a, b in RNG.integers(0, n, size=(ARGS.queries, 2))]  # fmt: skip
    with (
        spawned_server(database=ARGS.database, backend=BACKEND, prepare=False, key=key) as (
            base,
            key,
        ),
        client(base, key) as http,
    ):
        timed(http, "/v1/graph/query", queries[:5])  # warm-up
        prompt = [{"text": "Alice works at Google."}] * len(queries)
        baseline_times, _ = timed(http, "/v1/graph/extract/llm-prompt", prompt)
        query_times, answers = timed(http, "/v1/graph/query", queries)
        path_times, paths = timed(http, "/v1/graph/path", found_paths)
        random_times, randoms = timed(http, "/v1/graph/path", random_paths)
    RESULTS["baseline"] = summary(
        "baseline (llm-prompt: key, scope, no graph read)", baseline_times
    )
    RESULTS["query"] = {**summary("/query", query_times),
                        "mean_triples": round(statistics.mean(len(a["triples"]) for a in answers), 1)}  # fmt: skip
    RESULTS["path depth 3, reachable"] = {
        **summary("/path depth 3, target 3 steps away", path_times),
        "found": sum(p["count"] > 0 for p in paths),
    }
    RESULTS["path depth 3, random pair"] = {
        **summary("/path depth 3, random pair", random_times),
        "found": sum(p["count"] > 0 for p in randoms),
    }
    print(f"paths found: {RESULTS['path depth 3, reachable']['found']}/{len(paths)} reachable, "
          f"{RESULTS['path depth 3, random pair']['found']}/{len(randoms)} random", flush=True)  # fmt: skip


if __name__ == "__main__":
    assert ARGS is not None
    main()
    out = Path(ARGS.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"graph-{int(time.time())}.json"
    path.write_text(json.dumps({"relations": ARGS.relations, **RESULTS}, indent=1))
    print(f"results written to {path}")
