"""Every benchmark runs from a clean checkout: each runs at its `--tiny` size, as `make bench-*`
runs it, on a database that does not exist yet (it migrates it and spawns its own server), and
must print and write its figures. A column the models gain without the benchmarks following
(bench/latency.py's bulk load once stopped a fresh run that way) fails here, not in the next
person's benchmark run.

The benchmarks' servers and worker use their own Redis db (BENCH_REDIS_DB, else the tests' db
+ 8): the tests' Celery worker must not take their tasks (it would run them on the test
database)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LOCOMO = ROOT.parent / "shared/data/locomo"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the benchmarks make their own databases on the embedded PostgreSQL only",
)


def _admin_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                           password=db.get("PASSWORD") or None, dbname="postgres",
                           autocommit=True)  # fmt: skip


def _drop(database: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def fresh_database():
    """Names for databases that do not exist; each is dropped again afterwards."""
    names: list[str] = []

    def make(suffix: str) -> str:
        name = f"{settings.DATABASE_NAME}_bench_{suffix}"[:63]
        _drop(name)
        names.append(name)
        return name

    yield make
    for name in names:
        _drop(name)


def run_bench(script: str, *args: str, out: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["REDIS_DB"] = os.environ.get("BENCH_REDIS_DB", str((settings.REDIS_DB + 8) % 16))
    done = subprocess.run(
        [sys.executable, f"bench/{script}", "--tiny", "--out", str(out), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout


def written(out: Path, prefix: str):
    [path] = out.glob(f"{prefix}-*.json")
    return json.loads(path.read_text())


def positive(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_latency_runs_from_an_empty_database(fresh_database, tmp_path):
    stdout = run_bench("latency.py", "--database", fresh_database("latency"), out=tmp_path)
    results = written(tmp_path, "latency")
    scenarios = ["hybrid, one user (100 memories)", "vector only, one user",
                 "keyword only, one user", "hybrid, whole tenant (200 memories)",
                 "raw pgvector, one user", "raw exact scan, one user (the platform's SQL)"]  # fmt: skip
    for label in scenarios:
        assert all(positive(results[label][p]) for p in ("p50", "p95", "p99")), label
        assert label in stdout
    assert positive(results["ingestion"]["single_msgs_per_s"])
    assert positive(results["ingestion"]["batch_msgs_per_s"])
    assert "ingestion: {'single_msgs_per_s'" in stdout


@pytest.mark.skipif(not (LOCOMO / "locomo10.json").exists(), reason=f"no LoCoMo data in {LOCOMO}")
def test_locomo_runs_from_an_empty_database(fresh_database, tmp_path):
    prefix = fresh_database("locomo")
    fresh_database("locomo_e5")  # the database the run makes (<prefix>_<backend>)
    stdout = run_bench("locomo.py", "--database", prefix, out=tmp_path)
    results = written(tmp_path, "locomo")
    assert [r["label"] for r in results] == ["e5 hybrid", "e5 vector", "e5 keyword"]
    for result in results:
        assert result["ingest"]["turns"] > 0 and positive(result["latency_ms_p50"])
        overall = result["table"]["cats 1-5"]
        assert overall["n"] == 8 and 0 <= overall["frac@10"] <= 100
    # the two sessions' turns are all within 50 hits: hybrid search finds every question's evidence
    assert results[0]["table"]["cats 1-5"]["frac@50"] == 100
    assert "== e5 hybrid" in stdout and "cats 1-5" in stdout


def test_extraction_runs_from_an_empty_database(fresh_database, tmp_path):
    stdout = run_bench("extraction.py", "--database", fresh_database("extraction"), out=tmp_path)
    results = written(tmp_path, "extraction")
    for language in ("english", "chinese"):
        assert results[language]["turns"] == 4 and results[language]["expected"] > 0
        assert 0 <= results[language]["recall"] <= 100
    for name in ("reconciliation", "reconciliation (held out)"):
        assert results[name]["cases"] == 4 and 0 <= results[name]["accuracy"] <= 100
        assert f"{name}: " in stdout
    assert results["throughput"]["messages"] == 3
    assert positive(results["throughput"]["messages_per_s"])
    assert "throughput through the worker" in stdout
