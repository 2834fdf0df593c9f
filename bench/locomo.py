"""LoCoMo retrieval benchmark over the public HTTP API (protocol: ../shared/data/locomo/README.md).

    python bench/locomo.py                                # spawns a server per embedder, all modes
    python bench/locomo.py --backends use --modes hybrid  # one configuration
    python bench/locomo.py --base-url http://127.0.0.1:8000 --key mpk_...   # a running server
    python bench/locomo.py --infer                        # with the extraction pipeline on
    python bench/locomo.py --infer --modes hybrid,hybrid-unlinked   # with and without the graph
    python bench/locomo.py --tiny                         # seconds: proves it runs (smoke test)

Each conversation is one user_id holding both speakers' turns; messages are
"{speaker}: {text}" (+ the photo caption), timestamped from the session date, with the turn's
dia_id in the metadata. Every hit maps back to dia_ids through its `sources`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import client, queues_wait, spawned_server

KS = (1, 5, 10, 25, 50)
BUDGETS = (500, 1000, 2000)
# --tiny: small enough for the test suite's smoke run (tests/bench/test_smoke.py).
TINY = {"conversations": 1, "sessions": 2, "questions": 8, "backends": "e5"}
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}
_TOKEN = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9]+|[^\sA-Za-z0-9]")


def tokens(text: str) -> int:
    """Approximate LLM tokens: words, CJK characters and punctuation marks."""
    return len(_TOKEN.findall(text))


def session_time(raw: str) -> str:
    return datetime.strptime(raw.strip(), "%I:%M %p on %d %B, %Y").isoformat() + "Z"


def load(
    data_dir: Path,
    limit: int | None,
    max_sessions: int | None = None,
    max_questions: int | None = None,
) -> tuple[list[dict], list[dict]]:
    """The first `limit` conversations, each cut to its first `max_sessions` sessions, and the
    questions whose evidence lies in what is kept (the first `max_questions` of them)."""
    samples = json.loads((data_dir / "locomo10.json").read_text())[:limit]
    for sample in samples:
        sample["max_sessions"] = max_sessions
    keep = {s["sample_id"] for s in samples}
    qrels = [
        json.loads(line)
        for line in (data_dir / "locomo10_qrels.jsonl").read_text().splitlines()
        if line.strip()
    ]
    qrels = [
        q
        for q in qrels
        if q["sample_id"] in keep
        and q["evidence"]
        and (max_sessions is None or max(q["evidence_sessions"]) <= max_sessions)
    ]
    return samples, qrels[:max_questions]


def sessions(sample: dict) -> list[tuple[int, str, list[dict]]]:
    conv = sample["conversation"]
    out = []
    for key, turns in conv.items():
        match = re.fullmatch(r"session_(\d+)", key)
        if match and turns:
            number = int(match.group(1))
            out.append((number, session_time(conv[f"session_{number}_date_time"]), turns))
    return sorted(out)[: sample.get("max_sessions")]


def ingest(http, samples: list[dict], run: str, infer: bool) -> dict:
    started, count = time.perf_counter(), 0
    total = sum(len(t) for s in samples for _, _, t in sessions(s))
    with tqdm(total=total, desc="ingest", unit="turn") as bar:
        for sample in samples:
            user = f"{run}-{sample['sample_id']}"
            http.delete("/v1/memory", params={"user_id": user}).raise_for_status()
            for number, when, turns in sessions(sample):
                messages = []
                for turn in turns:
                    text = f"{turn['speaker']}: {turn['text']}"
                    if turn.get("blip_caption"):
                        text += f" [shares a photo: {turn['blip_caption']}]"
                    messages.append(
                        {"role": "user", "content": text, "metadata": {"dia_id": turn["dia_id"]}}
                    )
                response = http.post(
                    "/v1/memory/add",
                    json={
                        "user_id": user,
                        "conversation_id": f"{sample['sample_id']}-s{number}",
                        "messages": messages,
                        "timestamp": when,
                        "infer": infer,
                        "event_id": f"{user}-s{number}-{int(time.time())}",
                    },
                )
                response.raise_for_status()
                count += len(messages)
                bar.update(len(messages))
    seconds = time.perf_counter() - started
    return {"turns": count, "seconds": round(seconds, 1), "turns_per_s": round(count / seconds, 1)}


def hit_ids(hit: dict) -> set[str]:
    return {s["metadata"].get("dia_id") for s in hit["sources"] if s.get("metadata")} - {None}


def evaluate(http, qrels: list[dict], run: str, mode: str) -> dict:
    rows, latencies, hit_tokens, hit_ids_count = [], [], [], []
    for q in tqdm(qrels, desc=f"search {mode}", unit="q"):
        started = time.perf_counter()
        # "hybrid-unlinked": hybrid without the ranking of memories linked through the graph
        response = http.post(
            "/v1/memory/search",
            json={"query": q["question"], "user_id": f"{run}-{q['sample_id']}",
                  "limit": max(KS), "mode": mode.removesuffix("-unlinked"),
                  "linked": not mode.endswith("-unlinked")},
        )  # fmt: skip
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        hits = response.json()["results"]
        gold = set(q["evidence"])
        covered: set[str] = set()
        row = {"category": q["category"], "rr": 0.0}
        used = 0
        budget_cov = {b: set() for b in BUDGETS}
        for rank, hit in enumerate(hits, start=1):
            ids = hit_ids(hit)
            n_tokens = tokens(hit["memory"])
            hit_tokens.append(n_tokens)
            hit_ids_count.append(len(ids))
            if not row["rr"] and ids & gold:
                row["rr"] = 1 / rank
            covered |= ids
            used += n_tokens
            for budget in BUDGETS:
                if used <= budget:
                    budget_cov[budget] |= ids
            if rank in KS:
                found = covered & gold
                row[f"frac@{rank}"] = len(found) / len(gold)
                row[f"any@{rank}"] = float(bool(found))
                row[f"all@{rank}"] = float(gold <= covered)
        for k in KS:  # fewer hits than k: what was found is final
            for name in ("frac", "any", "all"):
                row.setdefault(f"{name}@{k}", _last(row, name, k, covered, gold))
        for budget in BUDGETS:
            row[f"frac@{budget}tok"] = len(budget_cov[budget] & gold) / len(gold)
        rows.append(row)
    return {
        "rows": rows,
        "latency_ms_p50": round(sorted(latencies)[len(latencies) // 2], 1),
        "tokens_per_hit": round(sum(hit_tokens) / max(1, len(hit_tokens)), 1),
        "dia_ids_per_hit": round(sum(hit_ids_count) / max(1, len(hit_ids_count)), 2),
    }


def _last(row: dict, name: str, k: int, covered: set, gold: set) -> float:
    found = covered & gold
    return {
        "frac": len(found) / len(gold),
        "any": float(bool(found)),
        "all": float(gold <= covered),
    }[name]


def summarize(rows: list[dict], categories: set[int]) -> dict:
    chosen = [r for r in rows if r["category"] in categories]
    if not chosen:
        return {}
    keys = [k for k in chosen[0] if k != "category"]
    out = {k: round(100 * sum(r[k] for r in chosen) / len(chosen), 1) for k in keys}
    out["MRR"] = out.pop("rr")
    out["n"] = len(chosen)
    return out


def report(label: str, result: dict) -> dict:
    rows = result["rows"]
    table = {
        "cats 1-4": summarize(rows, {1, 2, 3, 4}),
        "cats 1-5": summarize(rows, {1, 2, 3, 4, 5}),
        **{f"{c} {CATEGORIES[c]}": summarize(rows, {c}) for c in CATEGORIES},
    }
    per_hit = f"{result['tokens_per_hit']} tokens and {result['dia_ids_per_hit']} turns per hit"
    print(f"\n== {label}  (p50 {result['latency_ms_p50']} ms/search, {per_hit})")
    cols = ["n", "frac@1", "frac@5", "frac@10", "frac@25", "frac@50", "any@10", "all@10", "MRR",
            "frac@500tok", "frac@1000tok", "frac@2000tok"]  # fmt: skip
    print(f"{'set':<18}" + "".join(f"{c:>13}" for c in cols))
    for name, summary in table.items():
        if summary:
            print(f"{name:<18}" + "".join(f"{summary.get(c, ''):>13}" for c in cols))
    return {"label": label, **{k: v for k, v in result.items() if k != "rows"}, "table": table}


def run_against(http, samples, qrels, modes, infer, label) -> list[dict]:
    run = f"locomo{'-infer' if infer else ''}"
    ingest_stats = ingest(http, samples, run, infer)
    print(f"ingested {ingest_stats}")
    if infer:  # the graph stage runs on its own queue after each add
        ingest_stats["graph_wait_s"] = queues_wait(str(http.base_url).rstrip("/"), "graph")
        print(f"graph stage done {ingest_stats['graph_wait_s']} s after the last add")
    results = []
    for mode in modes:
        summary = report(f"{label} {mode}", evaluate(http, qrels, run, mode))
        summary["ingest"] = ingest_stats
        results.append(summary)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/locomo"
    )
    parser.add_argument("--conversations", type=int, default=None, help="only the first N")
    parser.add_argument(
        "--sessions",
        type=int,
        default=None,
        help="only the first N sessions of each conversation (and the questions "
        "whose evidence is in them)",
    )
    parser.add_argument("--questions", type=int, default=None, help="only the first N questions")
    parser.add_argument("--backends", default="use,e5", help="embedders to spawn servers with")
    parser.add_argument(
        "--modes",
        default="hybrid,vector,keyword",
        help="search modes, comma-separated; hybrid-unlinked is hybrid without the ranking of "
        "memories linked through the knowledge graph (graph-aware retrieval)",
    )
    parser.add_argument("--infer", action="store_true", help="extraction pipeline on")
    parser.add_argument("--base-url", help="use a running server instead of spawning one")
    parser.add_argument("--key", help="API key for --base-url")
    parser.add_argument(
        "--database", default="bench", help="spawned servers use the database <this>_<backend>"
    )
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="the first two sessions of one conversation, a few questions, e5 only: "
        "proves the benchmark runs, measures nothing worth publishing",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args()  # fmt: skip
    if args.tiny:
        vars(args).update(TINY)
    if not (args.data / "locomo10.json").exists():
        sys.exit(f"LoCoMo data not found in {args.data} (--data)")
    samples, qrels = load(args.data, args.conversations, args.sessions, args.questions)
    print(f"{len(samples)} conversations, {len(qrels)} questions with evidence")
    modes = args.modes.split(",")
    results = []
    if args.base_url:
        results += run_against(client(args.base_url, args.key), samples, qrels, modes, args.infer,
                               "server")  # fmt: skip
    else:
        for backend in args.backends.split(","):
            database = f"{args.database}_{backend}"
            queues = "graph" if args.infer else None
            server = spawned_server(database=database, backend=backend, worker_queues=queues)
            with server as (base, key):
                results += run_against(client(base, key), samples, qrels, modes, args.infer,
                                       backend)  # fmt: skip
    args.out.mkdir(exist_ok=True)
    path = args.out / f"locomo-{int(time.time())}.json"
    path.write_text(json.dumps(results, indent=1))
    print(f"\nresults written to {path}")


if __name__ == "__main__":
    main()
