"""Package manifests: pyproject.toml (PEP 621 and Poetry), package.json, Cargo.toml, go.mod and
pom.xml. A manifest that does not parse is a diagnostic, never an error of the whole parse."""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET
from typing import Any

from apps.wiki.ir import Diagnostic, Manifest

MANIFEST_NAMES = {"pyproject.toml": "pyproject", "package.json": "package.json",
                  "Cargo.toml": "cargo", "go.mod": "go.mod", "pom.xml": "pom"}  # fmt: skip
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$")


def manifest_parse(*, path: str, data: bytes) -> Manifest | Diagnostic:
    kind = MANIFEST_NAMES[path.rsplit("/", 1)[-1]]
    try:
        text = data.decode("utf-8")
        name, version, deps = PARSERS[kind](text)
    except (ValueError, TypeError, AttributeError, KeyError, ET.ParseError) as exc:
        return Diagnostic(path=path, line=1, message=f"unreadable {kind} manifest: {exc}"[:300])
    deps = {str(k)[:200]: str(v)[:200] for k, v in list(deps.items())[:500]}
    return Manifest(path=path, kind=kind, name=str(name)[:200], version=str(version)[:100],
                    dependencies=deps)  # fmt: skip


def _pyproject(text: str) -> tuple[str, str, dict[str, str]]:
    data = tomllib.loads(text)
    project = data.get("project") or {}
    poetry = (data.get("tool") or {}).get("poetry") or {}
    deps: dict[str, str] = {}
    for requirement in project.get("dependencies") or []:
        match = REQUIREMENT.match(str(requirement))
        if match:
            deps[match.group(1)] = match.group(2).strip()
    for name, spec in (poetry.get("dependencies") or {}).items():
        if name != "python":
            deps[name] = spec if isinstance(spec, str) else str(spec.get("version", ""))
    name = project.get("name") or poetry.get("name") or ""
    return name, project.get("version") or poetry.get("version") or "", deps


def _package_json(text: str) -> tuple[str, str, dict[str, str]]:
    data: dict[str, Any] = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    deps = {**(data.get("devDependencies") or {}), **(data.get("dependencies") or {})}
    return data.get("name") or "", data.get("version") or "", deps


def _cargo(text: str) -> tuple[str, str, dict[str, str]]:
    data = tomllib.loads(text)
    package = data.get("package") or {}
    deps = {}
    for name, spec in (data.get("dependencies") or {}).items():
        deps[name] = spec if isinstance(spec, str) else str(spec.get("version", ""))
    version = package.get("version", "")
    return package.get("name", ""), version if isinstance(version, str) else "", deps


def _go_mod(text: str) -> tuple[str, str, dict[str, str]]:
    module, version, deps = "", "", {}
    in_block = False
    for row in text.splitlines():
        row = row.split("//", 1)[0].strip()
        if row.startswith("module "):
            module = row.split(None, 1)[1].strip('"')
        elif row.startswith("go "):
            version = row.split(None, 1)[1]
        elif row.startswith("require ("):
            in_block = True
        elif in_block and row == ")":
            in_block = False
        elif in_block or row.startswith("require "):
            parts = row.removeprefix("require ").split()
            if len(parts) >= 2:
                deps[parts[0]] = parts[1]
    return module, version, deps


def _pom(text: str) -> tuple[str, str, dict[str, str]]:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ValueError("DTDs and entities are refused")  # no entity expansion, ever
    root = ET.fromstring(text)  # noqa: S314  (no DTD, so no entity to expand: refused above)
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def field(node: ET.Element, name: str) -> str:
        found = node.find(f"{ns}{name}")
        return (found.text or "").strip() if found is not None else ""

    deps = {}
    for dep in root.iter(f"{ns}dependency"):
        deps[f"{field(dep, 'groupId')}:{field(dep, 'artifactId')}"] = field(dep, "version")
    return field(root, "artifactId"), field(root, "version"), deps


PARSERS = {"pyproject": _pyproject, "package.json": _package_json, "cargo": _cargo,
           "go.mod": _go_mod, "pom": _pom}  # fmt: skip
