"""/v1/multimodal/search/embedding over HTTP on a large collection, and what the HNSW index
costs in recall. Runs on a database of its own (`--database`, default bench_multimodal),
dropped, created and migrated first, with a spawned server (bench/common.py).

    python bench/multimodal.py                 # 100,000 items
    python bench/multimodal.py --tiny          # seconds: proves it runs

Data: `--items` image items of one user ("big") in one tenant, bulk loaded with COPY (the HNSW
index is built after the load, as a restore would), plus 1,000 items of a second user ("small")
of the same tenant and 1,000 of another tenant. Vectors are MULTIMODAL_IMAGE_DIM-d, drawn
around 1,000 random centres (unit Gaussian noise of 0.5 per component before normalising), a
stand-in for image embeddings, which cluster. Queries are stored vectors with fresh noise
(0.3): "find this picture again, and the ones like it".

Figures: latency p50/p95/mean of `queries` HTTP searches (limit 10) for the big user (above
MULTIMODAL_EXACT_MAX, set for the server to 10,000: the HNSW index with iterative scan answers) and the small user (exact ranking over
the user's rows); recall@10 of the big user's answers against an exact ranking in SQL, on
`--sample` of those queries.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--sample", type=int, default=100, help="queries scored for recall")
    parser.add_argument("--database", default="bench_multimodal",
                        help="dropped and created for the run")  # fmt: skip
    parser.add_argument("--tiny", action="store_true", help="seconds: proves it runs")
    parser.add_argument("--out", default=str(ROOT / "bench/results"))
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
BACKEND = os.environ.get("EMBEDDING_BACKEND", "e5")
if ARGS is not None:
    if ARGS.tiny:
        ARGS.items, ARGS.queries, ARGS.sample = 600, 20, 10
    from bench.common import bench_env, prepare_database

    os.environ["DATABASE_NAME"] = ARGS.database
    prepare_database(bench_env(ARGS.database, BACKEND))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from apps.multimodal.models import MultimodalItem  # noqa: E402
from apps.tenants.services import api_key_create, tenant_create  # noqa: E402

TABLE = MultimodalItem._meta.db_table
# The big user goes through the HNSW index (above the exact-scan threshold), even at --tiny.
EXACT_MAX = 10_000 if ARGS is None or not ARGS.tiny else 200
DIM = settings.MULTIMODAL_IMAGE_DIM
RNG = np.random.default_rng(13)
CENTRES = RNG.normal(size=(1000, DIM))


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def vectors(n: int) -> np.ndarray:
    picks = RNG.integers(0, len(CENTRES), size=n)
    return _unit(CENTRES[picks] + RNG.normal(scale=0.5, size=(n, DIM))).astype(np.float32)


def load(*, tenant_id: int, user_id: str, matrix: np.ndarray) -> None:
    """COPY the rows in (what the store route writes, minus tsvector and objects)."""
    start = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.copy(
            f"COPY {TABLE} (id, tenant_id, user_id, role, text, captions, parts, image_embedding, "
            "created_at) FROM STDIN"
        ) as copy,
    ):
        for index, row in enumerate(matrix):
            literal = "[" + ",".join(f"{x:.5f}" for x in row.tolist()) + "]"
            copy.write_row((str(uuid.uuid4()), tenant_id, user_id, "user", f"photo {index}", "",
                            '[{"type": "image", "has_embedding": true}]', literal,
                            "2026-12-01T00:00:00Z"))  # fmt: skip
    print(f"loaded {len(matrix)} items of {user_id} in {time.perf_counter() - start:.1f} s",
          flush=True)  # fmt: skip


def build() -> tuple[str, int, np.ndarray]:
    tenant = tenant_create(slug="bench-mm")
    other = tenant_create(slug="bench-mm-other")
    key = api_key_create(tenant=tenant, name="bench", scopes=["multimodal"]).secret
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS mm_item_image_hnsw")
    big = vectors(ARGS.items)
    load(tenant_id=tenant.pk, user_id="big", matrix=big)
    load(tenant_id=tenant.pk, user_id="small", matrix=vectors(1000))
    load(tenant_id=other.pk, user_id="big", matrix=vectors(1000))
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(f"CREATE INDEX mm_item_image_hnsw ON {TABLE} USING hnsw "
                       "(image_embedding halfvec_cosine_ops) WITH (m = 16, ef_construction = 64)")  # fmt: skip
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
    RESULTS["hnsw_build_s"] = round(time.perf_counter() - start, 1)
    print(f"HNSW index built in {RESULTS['hnsw_build_s']} s", flush=True)
    return key, tenant.pk, big


def exact_top(*, tenant_id: int, user_id: str, query: list[float], k: int = 10) -> list[str]:
    literal = "[" + ",".join(repr(x) for x in query) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id::text FROM {TABLE} WHERE tenant_id = %s AND user_id = %s "
            "AND image_embedding IS NOT NULL ORDER BY (image_embedding <=> %s::halfvec) + 0 "
            "LIMIT %s",
            [tenant_id, user_id, literal, k],
        )
        return [row[0] for row in cursor.fetchall()]


def timed_searches(http, user_id: str, queries: np.ndarray) -> tuple[list[float], list[list[str]]]:
    times, answers = [], []
    for query in queries:
        body = {"user_id": user_id, "embedding": query.tolist(), "limit": 10}
        start = time.perf_counter()
        response = http.post("/v1/multimodal/search/embedding", json=body)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
        answers.append([r["id"] for r in response.json()["results"]])
    return times, answers


def summary(name: str, times: list[float]) -> dict[str, float]:
    from bench.common import latency_summary

    return latency_summary(name, times, "queries")


RESULTS: dict[str, object] = {}


def main() -> None:
    import logging

    from bench.common import client, spawned_server

    logging.getLogger("httpx").setLevel(logging.WARNING)

    key, tenant_id, big = build()
    picks = RNG.integers(0, len(big), size=ARGS.queries)
    queries = _unit(big[picks] + RNG.normal(scale=0.3 / np.sqrt(DIM), size=(len(picks), DIM)))
    small_queries = _unit(vectors(ARGS.queries))
    server = spawned_server(database=ARGS.database, backend=BACKEND, prepare=False, key=key,
                            extra_env={"MULTIMODAL_EXACT_MAX": str(EXACT_MAX)})  # fmt: skip
    with server as (base, key), client(base, key) as http:
        timed_searches(http, "big", queries[:5])  # warm-up: connections, index pages
        big_times, answers = timed_searches(http, "big", queries)
        small_times, _ = timed_searches(http, "small", small_queries)
    path = "hnsw (iterative scan)" if ARGS.items > EXACT_MAX else "exact"
    RESULTS["big user"] = {**summary(f"big user, {ARGS.items} items, {path}", big_times),
                           "items": ARGS.items, "path": path}  # fmt: skip
    RESULTS["small user"] = {**summary("small user, 1000 items, exact", small_times),
                             "items": 1000, "path": "exact"}  # fmt: skip
    recalls, self_found = [], 0
    for index in range(min(ARGS.sample, len(queries))):
        truth = exact_top(tenant_id=tenant_id, user_id="big", query=queries[index].tolist())
        recalls.append(len(set(truth) & set(answers[index])) / max(1, len(truth)))
        self_found += bool(answers[index]) and answers[index][0] == truth[0]
    RESULTS["recall@10"] = round(statistics.mean(recalls), 4)
    RESULTS["top1_agrees"] = round(self_found / max(1, len(recalls)), 4)
    RESULTS["recall_sample"] = len(recalls)
    print(f"recall@10 vs exact: {RESULTS['recall@10']} on {len(recalls)} queries "
          f"(top-1 agrees {RESULTS['top1_agrees']})", flush=True)  # fmt: skip


if __name__ == "__main__":
    assert ARGS is not None
    main()
    out = Path(ARGS.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"multimodal-{int(time.time())}.json"
    path.write_text(json.dumps({"items": ARGS.items, "dim": DIM, **RESULTS}, indent=1))
    print(f"results written to {path}")
