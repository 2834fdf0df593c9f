"""Walks every API URL pattern and proves tenant B's key can neither read nor change tenant A's
objects. Other domains join by adding a `tests/<app>/isolation.py` with `@case(...)`."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests
from tests.isolation import CASES

NOT_API = ("admin/", "openapi.json", "docs", "redoc", "health", "metrics")

for module in pkgutil.walk_packages([str(Path(tests.__file__).parent)], prefix="tests."):
    if module.name.endswith(".isolation") and module.name != "tests.isolation":
        importlib.import_module(module.name)


def api_routes() -> list[str]:
    def walk(patterns, prefix: str = ""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return sorted(r for r in walk(get_resolver().url_patterns) if not r.startswith(NOT_API))


def test_every_api_route_has_an_isolation_case():
    missing = [route for route in api_routes() if route not in CASES]
    assert not missing, f"routes without a cross-tenant case: {missing}"


@pytest.mark.parametrize("route", api_routes())
def test_another_tenants_key_cannot_reach_tenant_a(route, alice, charlie):
    setup = CASES[route](alice)
    client = charlie.client()
    for probe in setup.probes:
        response = getattr(client, probe.method.lower())(
            probe.path, probe.body, format="json", **probe.headers
        )
        where = f"{probe.method} {probe.path}"
        if probe.expect_404:
            assert response.status_code == 404, f"{where}: {response.status_code}"
        else:
            assert response.status_code < 500, where
            body = (b"".join(response.streaming_content) if response.streaming
                    else response.content)  # fmt: skip
            assert probe.marker not in body.decode(), f"{where} leaked A's data"
    setup.check()
