"""Hand-built IRs for the generation tests (no parser needed)."""

from __future__ import annotations

from itertools import pairwise

from apps.wiki.ir import Endpoint, FileIR, Manifest, Reference, RepoIR, Symbol

HOSTILE = ['a"]-->x', "<script>alert(1)</script>", "中文模块", "back`tick`", "%%{init}%%", "p|pe",
           "semi;colon", "brack[et]", "hash#35;"]  # fmt: skip


def file(path: str, language: str = "python", lines: int = 10) -> FileIR:
    return FileIR(path=path, language=language, size=lines * 20, sha256="0" * 64, lines=lines)


def sym(path: str, name: str, line: int = 1, doc: str = "", kind: str = "function") -> Symbol:
    return Symbol(kind=kind, name=name, qualified_name=name, path=path, start_line=line,
                  end_line=line + 2, signature=f"def {name}(x: int) -> int", doc=doc)  # fmt: skip


def imp(src: str, dst: str) -> Reference:
    return Reference(kind="import", from_path=src, from_symbol="", target=dst, line=1,
                     resolved_path=dst)  # fmt: skip


def small_ir() -> RepoIR:
    return RepoIR(
        root="/repo",
        files=[file("app/main.py"), file("app/util.py"), file("lib/core.py"), file("setup.py")],
        symbols=[sym("app/main.py", "run", 3, doc="Start the app."),
                 sym("app/util.py", "helper", 1), sym("lib/core.py", "Core", 1, kind="class")],
        references=[imp("app/main.py", "lib/core.py"), imp("app/main.py", "app/util.py")],
        endpoints=[Endpoint(method="GET", path="/items/{id}", handler="get_item",
                            framework="fastapi", file="app/main.py", line=7)],
        manifests=[Manifest(path="pyproject.toml", kind="pyproject", name="demo", version="1.0",
                            dependencies={"django": ">=5", "httpx": ""})],
    )  # fmt: skip


def hostile_ir() -> RepoIR:
    """Modules (directories) and symbols named to break Mermaid and Markdown."""
    files = [file(f"{name}/x.py") for name in HOSTILE]
    refs = [imp(f"{a}/x.py", f"{b}/x.py") for a, b in pairwise(HOSTILE)]
    refs.append(imp(f"{HOSTILE[-1]}/x.py", f"{HOSTILE[0]}/x.py"))
    symbols = [sym(f"{name}/x.py", name.replace("/", "_"), doc=name) for name in HOSTILE]
    return RepoIR(root="/repo", files=files, symbols=symbols, references=refs)
