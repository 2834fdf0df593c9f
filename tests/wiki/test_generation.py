"""Skeleton generation without an LLM: the pages, their Mermaid diagrams (always valid in the
subset our validator accepts, hostile names included), and the inputs hashes."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

import pytest

from apps.wiki.generation import MermaidError, dependency_diagram, mermaid_check, skeleton_pages
from apps.wiki.generation.mermaid import mermaid_blocks
from apps.wiki.generation.pages import module_page_path
from tests.wiki.irs import HOSTILE, file, hostile_ir, small_ir, sym


def pages_by_path(ir, name="demo"):
    return {p.path: p for p in skeleton_pages(ir, name=name)}


def test_skeleton_has_overview_module_and_api_pages():
    pages = pages_by_path(small_ir())
    root = module_page_path(".")
    assert root.startswith("modules/root-")  # "." is not a file name; hashed, so no collision
    assert set(pages) == {"overview.md", "modules/app.md", "modules/lib.md", root, "api.md"}
    overview = pages["overview.md"].render()
    assert "| python | 4 |" in overview
    assert "`app/main.py`" in overview  # an entry point
    assert "`django` &gt;=5" in overview and "pyproject" in overview
    app = pages["modules/app.md"].render()
    assert "def run(x: int) -> int" in app and "`app/main.py:3`" in app
    assert "> Start the app." in app
    assert "[lib](../modules/lib.md)" in app  # what it imports
    api = pages["api.md"].render()
    assert "| GET | `/items/{id}` | `get_item` | fastapi | `app/main.py:7` |" in api


def test_no_api_page_without_endpoints():
    assert "api.md" not in pages_by_path(replace(small_ir(), endpoints=[]))


@pytest.mark.parametrize("ir", [small_ir(), hostile_ir()], ids=["small", "hostile"])
def test_every_diagram_of_every_page_is_valid(ir):
    diagrams = [d for page in skeleton_pages(ir, name='x"]-->y') for d in
                mermaid_blocks(page.render())]  # fmt: skip
    assert len(diagrams) >= 2
    for diagram in diagrams:
        mermaid_check(diagram)


def test_hostile_names_are_labels_only():
    diagram = dependency_diagram([(a, b) for a, b in pairwise(HOSTILE)])
    mermaid_check(diagram)
    labels = re.findall(r'^    m\d+\["(.*)"\]$', diagram, re.M)
    decoded = {re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), label) for label in labels}
    assert decoded == set(HOSTILE)  # each name shown as itself, as text
    for label in labels:
        assert not set(label) & set('"[]<>`|%{}')  # inside quotes "-->" is text
    assert "#20013;#25991;" in diagram  # 中文 as entity codes
    assert len(re.findall(r"^    m\d+ --> m\d+$", diagram, re.M)) == len(HOSTILE) - 1


def test_the_diagram_is_bounded_by_degree():
    edges = [("hub", f"leaf{i}") for i in range(100)] + [("a", "b")]
    diagram = dependency_diagram(edges, max_nodes=10)
    mermaid_check(diagram)
    nodes = [line for line in diagram.splitlines() if '["' in line]
    assert len(nodes) == 10 and any('"hub"' in line for line in nodes)


@pytest.mark.parametrize("bad", [
    "graph TD\n    m0[\"a\"]",
    "graph LR\n    m0[\"a\"] --> m1",
    "graph LR\n    m0[\"a\"]\n    m0 --> m1",
    "graph LR\n    m0[\"a\"b\"]",
    "graph LR\n    m0[\"a\"]\n    m0[\"b\"]",
    "graph LR\n    m0[\"<b>\"]",
    "graph LR\n    %% comment",
    "graph LR\n    m0[\"a\"]\n    m0 --> m0\n    m1[\"late\"]",
])  # fmt: skip
def test_the_validator_refuses_what_we_never_emit(bad):
    with pytest.raises(MermaidError):
        mermaid_check(bad)


def test_markdown_escapes_names():
    pages = pages_by_path(hostile_ir())
    text = "".join(p.render() for p in pages.values())
    outside_code = re.sub(r"(`+) .*? \1|`[^`]*`|```.*?```", "", text, flags=re.S)
    assert "<script>" not in outside_code and "&lt;script&gt;" in outside_code
    assert "`` back`tick`/x.py ``" in text  # a backtick cannot close its code span


def test_hash_changes_only_for_pages_whose_inputs_change():
    before = pages_by_path(small_ir())
    ir = small_ir()
    ir = replace(ir, symbols=[*ir.symbols[:2], sym("lib/core.py", "Core", 1, doc="new doc",
                                                   kind="class")])  # fmt: skip
    after = pages_by_path(ir)
    changed = {p for p in before if before[p].inputs_hash != after[p].inputs_hash}
    assert changed == {"modules/lib.md"}
    again = pages_by_path(small_ir())
    assert {p: d.inputs_hash for p, d in again.items()} == {
        p: d.inputs_hash for p, d in before.items()}  # fmt: skip


def test_module_page_paths_are_safe_and_distinct():
    ir = replace(small_ir(), files=[file("a b/x.py"), file("a_b/x.py"), file("../up/x.py")])
    paths = [p.path for p in skeleton_pages(ir, name="d")]
    assert len(set(paths)) == len(paths)
    assert all(".." not in p and " " not in p for p in paths)
