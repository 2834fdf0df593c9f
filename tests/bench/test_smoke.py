"""Every benchmark runs from a clean checkout: each runs at its `--tiny` size, as `make bench-*`
runs it, on a database that does not exist yet (it migrates it and spawns its own server), and
must print its figures. A column the models gain without the benchmarks following
(bench/latency.py's bulk load once stopped a fresh run that way) fails here, not in the next
person's benchmark run. A new script under bench/ fails here until it has a smoke run.

The benchmarks run side by side (started together by one fixture; about a minute on two
cores). Their servers and worker use their own Redis db (BENCH_REDIS_DB, else the tests' db
+ 8): the tests' Celery worker must not take their tasks (it would run them on the test
database)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LOCOMO = ROOT.parent / "shared/data/locomo"
NOT_BENCHMARKS = {"__init__.py", "common.py", "synthetic.py"}  # bench/'s shared modules

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the benchmarks make their own databases on the embedded PostgreSQL only",
)


@dataclass
class Run:
    script: str
    database: str  # the name given to the benchmark (locomo: a prefix, + "_e5")
    out: Path
    proc: subprocess.Popen | None = None
    skipped: str = ""

    def wait(self) -> tuple[str, Path]:
        if self.skipped:
            pytest.skip(self.skipped)
        try:
            code = self.proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        stdout = (self.out / "stdout").read_text()
        stderr = (self.out / "stderr").read_text()
        assert code == 0, f"{self.script} failed:\n{stdout[-3000:]}\n{stderr[-5000:]}"
        return stdout, self.out


def _drop(database: str) -> None:
    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                         password=db.get("PASSWORD") or None, dbname="postgres",
                         autocommit=True) as conn:  # fmt: skip
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every benchmark at --tiny, started together, each on a database made for it."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["REDIS_DB"] = os.environ.get("BENCH_REDIS_DB", str((settings.REDIS_DB + 8) % 16))
    started: dict[str, Run] = {}
    made: list[str] = []
    scripts = ("latency.py", "locomo.py", "extraction.py", "add_latency.py", "dialogue.py",
               "privacy.py", "ip_defense.py", "audit.py", "graph_extraction.py",
               "multimodal.py", "graph.py", "wiki_fetch.py", "wiki_parse.py",
               "wiki_generate.py", "console_memory_list.py")  # fmt: skip
    for script in scripts:
        name = script.removesuffix(".py")
        run = Run(script, f"{settings.DATABASE_NAME}_bench_{name}"[:60],
                  tmp_path_factory.mktemp(name))  # fmt: skip
        started[script] = run
        if script == "locomo.py" and not (LOCOMO / "locomo10.json").exists():
            run.skipped = f"no LoCoMo data in {LOCOMO}"
            continue
        databases = [f"{run.database}_e5"] if script == "locomo.py" else [run.database]
        for database in databases:
            _drop(database)
            made.append(database)
        args = [sys.executable, f"bench/{script}", "--tiny", "--database", run.database]
        if script != "add_latency.py":  # prints its figures only
            args += ["--out", str(run.out)]
        with open(run.out / "stdout", "w") as out, open(run.out / "stderr", "w") as err:
            run.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err)
    try:
        yield started
    finally:
        for run in started.values():
            if run.proc and run.proc.poll() is None:
                run.proc.kill()
                run.proc.wait()
        for database in made:
            _drop(database)


def written(out: Path, prefix: str):
    [path] = out.glob(f"{prefix}-*.json")
    return json.loads(path.read_text())


def positive(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_every_benchmark_has_a_smoke_run(runs):
    scripts = {p.name for p in (ROOT / "bench").glob("*.py")} - NOT_BENCHMARKS
    assert scripts == set(runs), "a benchmark without a smoke run here (or a stale one)"


def test_latency_runs_from_an_empty_database(runs):
    stdout, out = runs["latency.py"].wait()
    results = written(out, "latency")
    scenarios = ["hybrid, one user (100 memories)", "vector only, one user",
                 "keyword only, one user", "hybrid, whole tenant (200 memories)",
                 "raw pgvector, one user", "raw exact scan, one user (the platform's SQL)"]  # fmt: skip
    for label in scenarios:
        assert all(positive(results[label][p]) for p in ("p50", "p95", "p99")), label
        assert label in stdout
    assert positive(results["ingestion"]["single_msgs_per_s"])
    assert positive(results["ingestion"]["batch_msgs_per_s"])
    assert "ingestion: {'single_msgs_per_s'" in stdout


def test_locomo_runs_from_an_empty_database(runs):
    stdout, out = runs["locomo.py"].wait()
    results = written(out, "locomo")
    assert [r["label"] for r in results] == ["e5 hybrid", "e5 vector", "e5 keyword"]
    for result in results:
        assert result["ingest"]["turns"] > 0 and positive(result["latency_ms_p50"])
        overall = result["table"]["cats 1-5"]
        assert overall["n"] == 8 and 0 <= overall["frac@10"] <= 100
    # two sessions' turns all fit in 50 hits: hybrid search finds every question's evidence
    assert results[0]["table"]["cats 1-5"]["frac@50"] == 100
    assert "== e5 hybrid" in stdout and "cats 1-5" in stdout


def test_extraction_runs_from_an_empty_database(runs):
    stdout, out = runs["extraction.py"].wait()
    results = written(out, "extraction")
    for language in ("english", "chinese"):
        assert results[language]["turns"] == 4 and results[language]["expected"] > 0
        assert 0 <= results[language]["recall"] <= 100
    for name in ("reconciliation", "reconciliation (held out)"):
        assert results[name]["cases"] == 4 and 0 <= results[name]["accuracy"] <= 100
        assert f"{name}: " in stdout
    assert results["throughput"]["messages"] == 3
    assert positive(results["throughput"]["messages_per_s"])
    assert "throughput through the worker" in stdout


def test_add_latency_runs_from_an_empty_database(runs):
    stdout, _ = runs["add_latency.py"].wait()
    assert "async add (infer, async_mode async), 3 adds: p50 " in stdout
    assert "sync add without infer: p50 " in stdout
    assert "turn found by a search right after its async add: " in stdout


def test_dialogue_runs_from_an_empty_database(runs):
    stdout, out = runs["dialogue.py"].wait()
    results = written(out, "dialogue")
    assert set(results) == {"en tuning messages", "zh tuning messages"}
    for result in results.values():
        assert result["cases"] == 3
        assert all(0 <= result[m] <= 100 for m in ("R@1", "R@3", "R@5", "R@10", "MRR"))
    assert "en tuning messages" in stdout and "R@5" in stdout


def test_privacy_runs_from_an_empty_database(runs):
    stdout, out = runs["privacy.py"].wait()
    results = written(out, "privacy")
    assert results["memories"] == 50 and results["records"] > 50
    for figure in ("dry_run_s", "inline_export_s", "async_export_s", "erasure_s"):
        assert positive(results[figure]), figure
    assert results["erased"]["memories"] == 50 and results["erased"]["versions"] == 55
    assert "erasure: " in stdout and "async export" in stdout


def test_ip_defense_runs_from_an_empty_database(runs):
    stdout, out = runs["ip_defense.py"].wait()
    results = written(out, "ip_defense")
    for phase in ("no rules", "20 rules"):
        for server in ("off", "on"):
            assert results[phase][server]["n"] == 20 and positive(results[phase][server]["p50"])
    assert results["rules_stored"] == 20
    assert results["burst off"]["statuses"] == {"401": 30}
    assert results["burst on"]["statuses"] == {"401": 20, "403": 10}  # banned at the threshold
    assert "overhead p50" in stdout and "burst on: 30 wrong secrets" in stdout


def test_audit_runs_from_an_empty_database(runs):
    stdout, out = runs["audit.py"].wait()
    results = written(out, "audit")
    for name in ("insert without chain (before)", "audit_record with chain"):
        assert [r["n"] for r in results[name]] == [40, 40], name
        assert all(positive(r["p50"]) for r in results[name]), name
    assert positive(results["threads"]["one_tenant_per_s"])
    assert positive(results["logs user, 50"]) and positive(results["stats days=1"])
    assert "plan user:" in stdout and "Index Scan" in stdout


def test_graph_extraction_runs(runs):
    stdout, out = runs["graph_extraction.py"].wait()
    results = written(out, "graph_extraction")
    for name in ("tuning", "held out"):
        for language in ("en", "zh", "mixed"):
            figures = results[name][language]
            assert figures["cases"] == 3 and figures["labelled"] > 0, (name, language)
            assert 0 <= figures["precision"] <= 1 and 0 <= figures["recall"] <= 1
        assert f"{name} en: precision" in stdout
    assert results["throughput"]["sentences"] == 9
    assert positive(results["throughput"]["sentences_per_s"])
    # the held-out set is scored, never shown: no held-out case id in the output
    assert "-h0" not in stdout and "-h1" not in stdout


def test_multimodal_runs_from_an_empty_database(runs):
    stdout, out = runs["multimodal.py"].wait()
    results = written(out, "multimodal")
    assert results["items"] == 600
    assert results["big user"]["n"] == 20 and results["big user"]["path"].startswith("hnsw")
    assert positive(results["big user"]["p50"]) and positive(results["small user"]["p95"])
    assert 0.5 <= results["recall@10"] <= 1 and results["recall_sample"] == 10
    assert "recall@10 vs exact" in stdout


def test_graph_runs_from_an_empty_database(runs):
    stdout, out = runs["graph.py"].wait()
    results = written(out, "graph")
    assert results["relations"] == 2000
    for name in ("query", "path depth 3, reachable", "path depth 3, random pair"):
        assert results[name]["n"] == 20 and positive(results[name]["p50"]), name
    assert results["path depth 3, reachable"]["found"] == 20  # every planted path is found
    assert "/path depth 3, target 3 steps away: p50" in stdout


def test_wiki_fetch_runs(runs):
    stdout, out = runs["wiki_fetch.py"].wait()
    results = written(out, "wiki_fetch")
    assert results["files"] == 30 and results["bytes"] >= 30 * 1024
    assert positive(results["files_per_s"]) and positive(results["mb_per_s"])
    assert "s3 (moto, loopback): 30 files" in stdout


def test_wiki_parse_runs(runs):
    stdout, out = runs["wiki_parse.py"].wait()
    results = written(out, "wiki_parse")
    ours, django = results["this repository (apps/wiki)"], results["django/urls"]
    assert ours["files"] >= 10 and ours["symbols"] >= 50 and ours["endpoints"] >= 1
    assert django["files"] >= 5 and django["symbols"] >= 50 and not django["truncated"]
    assert positive(ours["seconds"]) and positive(django["files_per_s"])
    assert "django/urls: " in stdout and " files/s" in stdout


def test_wiki_generate_runs(runs):
    stdout, out = runs["wiki_generate.py"].wait()
    results = written(out, "wiki_generate")
    ours = results["this repository (apps/wiki)"]
    assert ours["full"]["pages"] >= 3 and ours["full"]["pages_generated"] == ours["full"]["pages"]
    assert ours["full"]["diagrams_valid"] >= 1 and positive(ours["full"]["parse_seconds"])
    assert 1 <= ours["incremental"]["pages_generated"] < ours["incremental"]["pages"]
    assert "django/urls incremental: " in stdout


def test_console_memory_list_runs_from_an_empty_database(runs):
    stdout, out = runs["console_memory_list.py"].wait()
    results = written(out, "console_memory_list")
    assert results["rows"] == 3000
    for name in ("unfiltered", "tenant", "tenant + user", "status archived", "page 50",
                 "search 'espresso'"):  # fmt: skip
        assert results[name]["n"] == 3 and positive(results[name]["p50"]), name
        assert results[name]["plans"] and results[name]["queries"] <= 12, name
    assert "search 'espresso'" in stdout and "plan: " in stdout
