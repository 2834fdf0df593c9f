"""Python: classes, functions and methods with docstrings; `import` / `from ... import`
resolved to repository modules; Django URLconfs and FastAPI / Flask route decorators."""

from __future__ import annotations

import posixpath
from functools import cache

import tree_sitter as ts
import tree_sitter_python

from apps.wiki.ir import Endpoint
from apps.wiki.parsing.engine import (
    FileContext,
    LanguageSpec,
    line,
    python_docstring,
    text,
    unquote,
)

DEFINITIONS = """
(class_definition name: (identifier) @name) @def.class
(function_definition name: (identifier) @name) @def.function
"""
CALLS = "(call function: (_) @callee)"
IMPORTS = """
(import_statement) @import
(import_from_statement) @import
"""
ROUTE_METHODS = {"get", "post", "put", "delete", "patch", "head", "options", "route", "api_route"}
DJANGO_ROUTES = {"path", "re_path", "url"}


def import_targets(node: ts.Node, source: bytes) -> list[tuple[str, int]]:
    """`import a.b` -> a.b; `from .m import x, y` -> .m.x, .m.y (a submodule or a name: the
    resolver tries the whole, then the module)."""
    if node.type == "import_statement":
        names = node.children_by_field_name("name")
        return [(text(n.child_by_field_name("name") or n, source), line(n)) for n in names]
    module = text(node.child_by_field_name("module_name"), source)
    names = node.children_by_field_name("name")
    if not names:  # from m import *
        return [(module, line(node))]
    glue = "" if module.endswith(".") else "."
    out = []
    for n in names:
        name = text(n.child_by_field_name("name") or n, source)
        out.append((f"{module}{glue}{name}", line(n)))
    return out


def resolve_import(target: str, path: str, context: FileContext) -> str | None:
    dots = len(target) - len(target.lstrip("."))
    parts = [p for p in target.lstrip(".").split(".") if p]
    if dots:
        base = posixpath.dirname(path)
        for _ in range(dots - 1):
            base = posixpath.dirname(base)
        for candidate in _candidates(base, parts, allow_package=True):
            if candidate in context.paths:
                return candidate
        return None
    for base in ("", "src"):
        for candidate in _candidates(base, parts, allow_package=False):
            if candidate in context.paths:
                return candidate
    # the repository is itself the top package (the Django source parsed as a repository)
    if len(parts) > 1 and parts[0] == context.root_name and "__init__.py" in context.paths:
        for candidate in _candidates("", parts[1:], allow_package=False):
            if candidate in context.paths:
                return candidate
    return None


def _candidates(base: str, parts: list[str], *, allow_package: bool) -> list[str]:
    """a/b/c.py, a/b/c/__init__.py, then a/b.py, a/b/__init__.py (c a name in module a.b);
    the package itself (base/__init__.py) only for a relative import."""
    out = []
    for size in (len(parts), len(parts) - 1):
        if size <= 0 and not allow_package:
            continue
        stem = posixpath.join(base, *parts[:size]) if size > 0 else base
        if size > 0:
            out.append(f"{stem}.py")
        out.append(posixpath.join(stem, "__init__.py") if stem else "__init__.py")
    return out


@cache
def _routes_query() -> ts.Query:
    lang = ts.Language(tree_sitter_python.language())
    return ts.Query(lang, "(call function: (_) @fn arguments: (argument_list) @args) @call")


def endpoints(root: ts.Node, source: bytes, path: str) -> list[Endpoint]:
    out: list[Endpoint] = []
    is_urlconf = posixpath.basename(path) == "urls.py"
    flask = b"flask" in source.lower()
    for _, cap in ts.QueryCursor(_routes_query()).matches(root):
        fn, args, call = cap["fn"][0], cap["args"][0], cap["call"][0]
        positional = [a for a in args.named_children if a.type != "keyword_argument"]
        if not positional or positional[0].type != "string":
            continue
        route = unquote(text(positional[0], source))
        if fn.type == "identifier" and is_urlconf and text(fn, source) in DJANGO_ROUTES:
            handler = text(positional[1], source) if len(positional) > 1 else ""
            if handler.startswith("include("):
                continue  # a prefix for another URLconf, whose own routes are found there
            out.append(Endpoint(method="ANY", path=route, handler=" ".join(handler.split())[:200],
                                framework="django", file=path, line=line(call)))  # fmt: skip
            continue
        if fn.type != "attribute" or call.parent is None or call.parent.type != "decorator":
            continue
        verb = text(fn.child_by_field_name("attribute"), source)
        if verb not in ROUTE_METHODS or not route.startswith("/"):
            continue
        decorated = call.parent.parent
        target = decorated.child_by_field_name("definition") if decorated else None
        handler = text(target.child_by_field_name("name"), source) if target else ""
        framework = "flask" if flask else "fastapi"
        for method in _methods(verb, args, source):
            out.append(Endpoint(method=method, path=route, handler=handler, framework=framework,
                                file=path, line=line(call)))  # fmt: skip
    return out


def _methods(verb: str, args: ts.Node, source: bytes) -> list[str]:
    if verb not in ("route", "api_route"):
        return [verb.upper()]
    for kw in args.named_children:
        if (
            kw.type == "keyword_argument"
            and text(kw.child_by_field_name("name"), source) == "methods"
        ):
            value = kw.child_by_field_name("value")
            found = [unquote(text(s, source)).upper() for s in value.named_children
                     if s.type == "string"] if value else []  # fmt: skip
            if found:
                return found
    return ["GET"] if verb == "route" else ["ANY"]


SPEC = LanguageSpec(
    name="python",
    extensions=(".py", ".pyi"),
    language=tree_sitter_python.language,
    definitions=DEFINITIONS,
    calls=CALLS,
    imports=IMPORTS,
    doc=python_docstring,
    import_targets=import_targets,
    resolve_import=resolve_import,
    endpoints=endpoints,
    wrappers=frozenset({"decorated_definition"}),
)
