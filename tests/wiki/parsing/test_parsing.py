"""Parsing a repository in eight languages: what a wiki reader would see in the IR."""

from __future__ import annotations

import json
import os

import pytest

from apps.wiki.ir import RepoIR, module_of
from apps.wiki.parsing import parse_repository
from tests.wiki.fixture_repo import make_repo


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "shop")


@pytest.fixture
def ir(repo) -> RepoIR:
    return parse_repository(repo)


def symbol(ir: RepoIR, qualified: str):
    found = [s for s in ir.symbols if s.qualified_name == qualified]
    assert found, f"no symbol {qualified}: {sorted(s.qualified_name for s in ir.symbols)}"
    return found[0]


def test_every_language_is_parsed(ir):
    assert set(ir.languages()) == {"python", "javascript", "typescript", "tsx", "go", "rust",
                                   "java", "c", "cpp"}  # fmt: skip
    counts = ir.counts()
    assert counts["files"] == 20
    assert counts["manifests"] == 5
    assert counts["diagnostics"] == 1


@pytest.mark.parametrize(("qualified", "kind", "doc"), [
    ("Cart", "class", "A shopping cart."),
    ("Cart.total", "method", "Sum of the item prices."),
    ("start", "function", "Start the HTTP server."),
    ("helper", "function", "Help with things."),
    ("User", "interface", "A user of the shop."),
    ("Role", "enum", ""),
    ("Account.owner", "method", "The owner's name."),
    ("App", "function", "The root component."),
    ("main", "function", "main starts the Gin server."),
    ("Store", "struct", "Store keeps orders."),
    ("Store.Add", "method", "Add adds an order."),
    ("Item", "struct", "An item for sale."),
    ("Item.new", "method", "A new item."),
    ("app", "function", "Build the router."),
    ("OrderController", "class", "Orders over HTTP."),
    ("OrderController.list", "method", "List the orders."),
    ("add", "function", "Add two numbers."),
    ("geo.Shape", "class", "A shape with an area."),
])  # fmt: skip
def test_symbols_carry_kind_and_doc_comment(ir, qualified, kind, doc):
    found = symbol(ir, qualified)
    assert (found.kind, found.doc) == (kind, doc)


def test_symbols_have_line_ranges_and_signatures(ir):
    total = symbol(ir, "Cart.total")
    assert (total.path, total.start_line, total.end_line) == ("shop/models.py", 7, 9)
    assert total.signature == "def total(self, items: list[int]) -> int"
    assert symbol(ir, "Store.Add").signature == "func (s *Store) Add(item string)"
    assert symbol(ir, "Item.new").signature == "pub fn new(name: String) -> Self"


def test_imports_resolve_to_repository_files(ir):
    resolved = {(r.from_path, r.resolved_path) for r in ir.references if r.kind == "import"}
    for edge in [
        ("shop/views.py", "shop/models.py"),  # absolute and relative
        ("shop/urls.py", "shop/views.py"),
        ("web/server.js", "web/util.js"),  # require
        ("web/types.ts", "web/util.js"),
        ("web/App.tsx", "web/types.ts"),
        ("cmd/main.go", "store/store.go"),  # through go.mod's module path
        ("src/main.rs", "src/handlers.rs"),
        ("java/src/com/shop/OrderController.java", "java/src/com/shop/OrderService.java"),
        ("native/util.c", "native/util.h"),
    ]:
        assert edge in resolved, edge
    external = {r.target: r.resolved_path for r in ir.references if r.kind == "import"}
    assert external["express"] is None and external["stdio.h"] is None


def test_calls_resolve_to_symbols_and_types_are_respected(ir):
    calls = {(r.from_symbol, r.target): r for r in ir.references if r.kind == "call"}
    assert calls[("cart_view", "Cart().total")].resolved_symbol == "Cart.total"
    assert calls[("Cart.total", "add_all")].resolved_path == "shop/models.py"
    assert calls[("Account.owner", "helper")].resolved_path == "web/util.js"
    # `Router::new` is axum's, not the repository's `Item::new`
    assert calls[("app", "Router::new")].resolved_symbol is None


def test_endpoints_of_every_framework(ir):
    found = {(e.framework, e.method, e.path, e.handler) for e in ir.endpoints}
    assert found == {
        ("django", "ANY", "cart/", "views.cart_view"),
        ("django", "ANY", "^items/(?P<pk>[0-9]+)/$", "views.cart_view"),
        ("fastapi", "GET", "/health", "health"),
        ("fastapi", "POST", "/orders", "create_order"),
        ("flask", "GET", "/login", "login"),
        ("flask", "POST", "/login", "login"),
        ("express", "GET", "/api/items", "listItems"),
        ("express", "POST", "/api/items", "(inline)"),
        ("axum", "GET", "/items", "list"),
        ("axum", "POST", "/items", "handlers::create"),
        ("spring", "GET", "/api/orders", "list"),
        ("spring", "DELETE", "/api/orders", "clear"),
        ("gin", "GET", "/ping", "ping"),
        ("gin", "POST", "/orders", "store.Create"),
    }


def test_a_syntax_error_is_a_diagnostic_and_the_rest_still_parses(ir):
    assert [(d.path, d.line) for d in ir.diagnostics] == [("api/broken.py", 1)]
    assert "syntax error" in ir.diagnostics[0].message
    assert symbol(ir, "broken").path == "api/broken.py"


def test_ignored_vendored_and_binary_files_are_skipped_and_counted(ir):
    paths = {f.path for f in ir.files}
    names = {s.name for s in ir.symbols}
    assert "secret_build/out.py" not in paths and "hidden" not in names  # .gitignore'd directory
    assert "api/skip.generated.py" not in paths and "generated" not in names  # .gitignore'd glob
    assert "vendored" not in names  # node_modules
    assert ir.skipped == {"gitignored": 2, "vendored": 1, "binary": 1, "unsupported": 2}


def test_manifests(ir):
    by_kind = {m.kind: m for m in ir.manifests}
    assert by_kind["pyproject"].dependencies == {"django": ">=5.0", "fastapi": "==0.110.0"}
    assert (by_kind["package.json"].name, by_kind["package.json"].version) == ("web", "0.1.0")
    assert by_kind["cargo"].dependencies == {"axum": "0.7"}
    assert by_kind["go.mod"].name == "example.com/shop"
    assert by_kind["pom"].dependencies == {"org.springframework:spring-web": "6.1.0"}


def test_a_broken_manifest_is_a_diagnostic(repo):
    (repo / "web" / "package.json").write_text("{not json", encoding="utf-8")
    (repo / "java" / "pom.xml").write_text(
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><project>&a;</project>', encoding="utf-8"
    )
    ir = parse_repository(repo)
    assert {m.kind for m in ir.manifests} == {"pyproject", "cargo", "go.mod"}
    assert {d.path for d in ir.diagnostics} >= {"web/package.json", "java/pom.xml"}


def test_oversized_files_and_the_file_limit(repo):
    big = parse_repository(repo, max_file_bytes=1024)
    (repo / "shop" / "huge.py").write_text("x = 1\n" * 400, encoding="utf-8")
    big = parse_repository(repo, max_file_bytes=1024)
    assert big.skipped["oversized"] == 1
    assert "shop/huge.py" not in {f.path for f in big.files}
    bounded = parse_repository(repo, max_files=3)
    assert len(bounded.files) == 3 and bounded.truncated and bounded.skipped["limit"] > 0


def test_symlinks_are_never_followed(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("def server_secret():\n    pass\n", encoding="utf-8")
    os.symlink(outside / "secret.py", repo / "shop" / "link.py")
    os.symlink(outside, repo / "linked_dir")
    ir = parse_repository(repo)
    assert "server_secret" not in {s.name for s in ir.symbols}
    assert ir.skipped["symlink"] == 2


def test_the_ir_is_json_and_round_trips(ir):
    data = json.loads(json.dumps(ir.to_dict()))
    assert RepoIR.from_dict(data) == ir
    assert module_of("shop/models.py") == "shop" and module_of("go.mod") == "."


def test_a_pathological_file_is_a_diagnostic_not_a_failed_parse(repo):
    (repo / "shop" / "deep.py").write_text("x = " + "[" * 5000 + "]" * 4999 + "\n")
    (repo / "native" / "deep.c").write_text("int f() { " + "{" * 20000 + "\n")
    ir = parse_repository(repo)
    assert {"shop/deep.py", "native/deep.c"} <= {d.path for d in ir.diagnostics}
    assert symbol(ir, "Cart.total").doc == "Sum of the item prices."  # the rest still parses


def test_a_cpp_header_named_h_is_parsed_as_cpp(repo):
    (repo / "native" / "widget.h").write_text(
        "namespace ui {\n/** A widget. */\nclass Widget {\n  public:\n    void draw();\n};\n}\n"
    )
    ir = parse_repository(repo)
    assert {f.path: f.language for f in ir.files}["native/widget.h"] == "cpp"
    assert symbol(ir, "ui.Widget").doc == "A widget."
    assert "native/widget.h" not in {d.path for d in ir.diagnostics}
    assert {f.path: f.language for f in ir.files}["native/util.h"] == "c"
