"""Wiki skeleton generation (apps/wiki/generation): how long building and rendering the pages
takes for a real repository, and what an incremental run after changing one file redoes.

    python bench/wiki_generate.py           # this repository and the Django source (.venv)
    python bench/wiki_generate.py --tiny    # apps/wiki and django/urls: proves it runs

For each tree (copied to a temporary directory first, so nothing of it is changed):
1. full run: parse, build every page, render it and hash its inputs (no LLM, no database);
   every Mermaid diagram is checked with our validator;
2. incremental run: one Python file gets a new function with a doc comment, then parse again,
   build the pages, compare the hashes with the first run's and render only the changed pages.
Pages are not stored (the database writes and the embeddings of a job with a `namespace` come on
top: see docs/benchmarks.md). No database is used: `--database` is accepted and ignored.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from apps.wiki.generation.mermaid import mermaid_blocks, mermaid_check
from apps.wiki.generation.pages import skeleton_pages
from apps.wiki.parsing import parse_repository

ROOT = Path(__file__).resolve().parent.parent
DJANGO = (Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
          / "site-packages" / "django")  # fmt: skip
IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "node_modules", ".var", "results")


def run(root: Path, previous: dict[str, str] | None) -> tuple[dict, dict[str, str]]:
    started = time.perf_counter()
    ir = parse_repository(root, max_files=100000, max_file_bytes=1024 * 1024)
    parsed = time.perf_counter()
    drafts = skeleton_pages(ir, name=root.name)
    hashes = {d.path: d.inputs_hash for d in drafts}
    changed = [d for d in drafts if previous is None or previous.get(d.path) != hashes[d.path]]
    rendered = [d.render() for d in changed]
    done = time.perf_counter()
    diagrams = [b for text in rendered for b in mermaid_blocks(text)]
    for diagram in diagrams:
        mermaid_check(diagram)
    deleted = len(set(previous or {}) - set(hashes))
    return {
        "files": len(ir.files), "symbols": len(ir.symbols), "endpoints": len(ir.endpoints),
        "pages": len(drafts), "pages_generated": len(changed),
        "pages_unchanged": len(drafts) - len(changed), "pages_deleted": deleted,
        "diagrams_valid": len(diagrams), "markdown_bytes": sum(len(t.encode()) for t in rendered),
        "parse_seconds": round(parsed - started, 3),
        "generate_seconds": round(done - parsed, 3), "total_seconds": round(done - started, 3),
    }, hashes  # fmt: skip


def touch_one_file(root: Path) -> str:
    target = sorted(p for p in root.rglob("*.py") if p.stat().st_size > 200)[0]
    with target.open("a") as handle:
        handle.write('\n\ndef bench_added(x):\n    """Added by bench/wiki_generate.py."""\n'
                     "    return x\n")  # fmt: skip
    return str(target.relative_to(root))


def measure(source: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / source.name
        shutil.copytree(source, root, ignore=IGNORE, symlinks=True)
        full, hashes = run(root, None)
        changed = touch_one_file(root)
        incremental, _ = run(root, hashes)
    return {"full": full, "incremental": {**incremental, "changed_file": changed}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="two small trees")
    parser.add_argument("--database", help="ignored (no database is used)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON in this folder")
    args = parser.parse_args()
    if args.tiny:
        trees = {"this repository (apps/wiki)": ROOT / "apps" / "wiki",
                 "django/urls": DJANGO / "urls"}  # fmt: skip
    else:
        trees = {"this repository": ROOT, "django": DJANGO}
    results = {}
    for name, source in trees.items():
        results[name] = figures = measure(source)
        for run_name in ("full", "incremental"):
            f = figures[run_name]
            print(f"{name} {run_name}: {f['files']} files, {f['symbols']} symbols, "
                  f"{f['endpoints']} endpoints; {f['pages']} pages, {f['pages_generated']} "
                  f"generated, {f['pages_unchanged']} unchanged; {f['diagrams_valid']} diagrams "
                  f"valid; parse {f['parse_seconds']} s + generate {f['generate_seconds']} s")  # fmt: skip
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        (args.out / f"wiki_generate-{stamp}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
