"""Wiki parsing (apps/wiki/parsing): how long tree-sitter parsing takes for a real repository,
and what it finds (files, symbols, references, endpoints, diagnostics, manifests, skipped).

    python bench/wiki_parse.py              # this repository and the Django source (.venv)
    python bench/wiki_parse.py --tiny       # apps/wiki and django/urls: proves it runs

Each tree is parsed `--passes` times in one process (the first pass compiles the queries too);
the median and the first pass are reported, in seconds, with files per second. The file limit
is lifted (`--max-files`, default 100000) so that nothing is truncated; files over 1 MiB are
skipped as in the default settings. Paths under `.gitignore` of the tree are skipped as the API
does (this repository: `.venv`, results, caches).

No database is used: `--database` is accepted (and ignored) for the smoke run's uniform call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from apps.wiki.parsing import parse_repository

ROOT = Path(__file__).resolve().parent.parent

DJANGO = (
    Path(sys.prefix)
    / "lib"
    / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    / ("site-packages/django")
)


def measure(root: Path, *, passes: int, max_files: int) -> dict:
    seconds = []
    for _ in range(passes):
        started = time.perf_counter()
        ir = parse_repository(root, max_files=max_files, max_file_bytes=1024 * 1024)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    calls = [r for r in ir.references if r.kind == "call"]
    imports = [r for r in ir.references if r.kind == "import"]
    return {
        **ir.counts(),
        "languages": ir.languages(),
        "skipped": dict(sorted(ir.skipped.items())),
        "truncated": ir.truncated,
        "imports_resolved": round(sum(1 for r in imports if r.resolved_path) / len(imports), 3)
        if imports else 0.0,
        "calls_resolved": round(sum(1 for r in calls if r.resolved_path) / len(calls), 3)
        if calls else 0.0,
        "seconds": round(median, 3),
        "first_pass_seconds": round(seconds[0], 3),
        "files_per_s": round(len(ir.files) / median, 1) if median else 0.0,
        "passes": passes,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="two small trees, one pass")
    parser.add_argument("--passes", type=int, default=3, help="parses of each tree")
    parser.add_argument("--max-files", type=int, default=100000, help="the file limit")
    parser.add_argument("--database", help="ignored (no database is used)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON in this folder")
    args = parser.parse_args()

    if args.tiny:
        trees = {"this repository (apps/wiki)": ROOT / "apps" / "wiki",
                 "django/urls": DJANGO / "urls"}  # fmt: skip
    else:
        trees = {"this repository": ROOT, "django": DJANGO}
    passes = 1 if args.tiny else args.passes
    results: dict = {}
    for name, root in trees.items():
        figures = measure(root, passes=passes, max_files=args.max_files)
        results[name] = figures
        print(f"{name}: {figures['files']} files, {figures['symbols']} symbols, "
              f"{figures['references']} references, {figures['endpoints']} endpoints, "
              f"{figures['diagnostics']} diagnostics, {figures['manifests']} manifests; "
              f"{figures['seconds']} s median of {passes} (first {figures['first_pass_seconds']}"
              f" s), {figures['files_per_s']} files/s")  # fmt: skip
        print(f"  languages {figures['languages']}; skipped {figures['skipped']}; imports "
              f"resolved {figures['imports_resolved']}, calls {figures['calls_resolved']}")  # fmt: skip
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        (args.out / f"wiki_parse-{stamp}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
