"""One direction between apps (STYLE.md, "The direction of the architecture"): an app imports
only apps on its own layer or below. `core` is the bottom; `tenants`, `audit`, `jobs` stand on
it; `memories` is the floor of the product; the domains on top plug into the floor through
apps.memories.registry, never the other way round.

Every import under apps/ counts, at module level or inside a function (a function-level import
is still a dependency, only a later one). Django's string references ("pipeline.Segment") and
importlib are not imports and are not seen here."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

APPS = Path(__file__).resolve().parent.parent / "apps"

LAYERS = {
    "core": 0,
    "tenants": 1,
    "audit": 1,
    "jobs": 1,
    "defense": 1,
    "memories": 2,
    "pipeline": 3,
    "chat": 3,
    "compat": 3,
    "privacy": 3,
    "graph": 3,
    "multimodal": 3,
    "wiki": 3,
    "health": 3,  # probes and metrics look at everything; nothing imports them
    "console": 3,  # the operator console: reads the floor and below, nothing imports it
    # next: wiki (3)
}

# Known upward imports, each with its reason. An entry that no longer occurs fails the test too,
# so this list only shrinks.
ALLOWED = {
    ("apps/core/api.py", "audit"): "the base view audits the requests that change state",
    ("apps/core/api.py", "tenants"): "the base view authenticates an ApiKey (a tenants model)",
    ("apps/core/auth.py", "tenants"): "key authentication looks the key up in tenants",
    ("apps/core/ratelimit.py", "tenants"): "rate limits are per ApiKey",
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "apps" and len(parts) > 1:
                found.add(parts[1])
    return found


def _edges() -> dict[tuple[str, str], set[str]]:
    """{(importing app, imported app): files} for every import across apps."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(APPS.rglob("*.py")):
        app = path.relative_to(APPS).parts[0]
        for other in _imported_apps(path) - {app}:
            edges[(app, other)].add(path.relative_to(APPS.parent).as_posix())
    return edges


def test_every_app_has_a_layer():
    apps = {p.name for p in APPS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - set(LAYERS) == set(), "place the new app in LAYERS"


def test_no_app_imports_an_app_above_it():
    upward = {
        (path, imported)
        for (app, imported), paths in _edges().items()
        if LAYERS.get(imported, 99) > LAYERS[app]
        for path in paths
    }
    assert sorted(upward - set(ALLOWED)) == []
    assert sorted(set(ALLOWED) - upward) == [], "no longer happens: remove it from ALLOWED"


def test_no_two_apps_import_each_other():
    """Peers on one layer (compat and chat, say) may depend on each other one way only."""
    edges = _edges()
    known = {(path.split("/")[1], app) for path, app in ALLOWED}
    both_ways = sorted(
        f"{a} <-> {b}: {sorted(edges[(a, b)] | edges[(b, a)])}"
        for (a, b) in edges
        if a < b and (b, a) in edges and not {(a, b), (b, a)} & known
    )
    assert both_ways == []
