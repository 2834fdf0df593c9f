"""Walks every API URL pattern and proves tenant B's key can neither read nor change tenant A's
objects, and that each probe could have failed (A's own key reaches what B's does not). Other
domains join by adding a `tests/<app>/isolation.py` with `@case(...)` (rules: tests/isolation.py)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

import tests
from tests.isolation import CASES, EXEMPT, Probe

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


def route_of(path: str) -> str:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return "(no route)"


def send(client, probe: Probe) -> tuple[Any, str]:
    response = getattr(client, probe.method.lower())(
        probe.path, probe.body, format="json", **probe.headers
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode()


def test_every_api_route_has_an_isolation_case():
    routes = api_routes()
    missing = [route for route in routes if route not in CASES and route not in EXEMPT]
    assert not missing, f"routes without a cross-tenant case: {missing}"
    assert not set(CASES) & set(EXEMPT), "a route with a case is not exempt"
    stale = sorted(set(CASES) - set(routes)) + sorted(set(EXEMPT) - set(routes))
    assert not stale, f"cases or exemptions for routes that do not exist: {stale}"


@pytest.mark.parametrize("route", [route for route in api_routes() if route in CASES])
def test_another_tenants_key_cannot_reach_tenant_a(route, alice, charlie):
    make = CASES[route]
    registered = {r for r, fn in CASES.items() if fn is make}
    setup = make(alice)
    try:
        reached = {f"{p.method} {p.path}": route_of(p.path) for p in setup.probes}
        astray = {probe: r for probe, r in reached.items() if r not in registered}
        assert not astray, f"probes that reach no route of their case: {astray}"
        probes = [p for p in setup.probes if route_of(p.path) == route]
        assert probes, f"the case registered for {route} has no probe of it"

        for probe in probes:
            where = f"{probe.method} {probe.path}"
            response, body = send(charlie.client(), probe)
            status = response.status_code
            if probe.status is not None:
                assert status == probe.status, f"{where}: {status}, not {probe.status}: {body}"
            elif probe.expect_404:
                assert status == 404, f"{where}: {status}: {body}"
            else:
                assert 200 <= status < 300, f"{where}: {status}, so the query did not run: {body}"
            if not probe.expect_404 or probe.status is not None:
                assert probe.marker or callable(probe.control), (
                    f"{where}: a probe that may answer needs A's marker or a control"
                )
            if probe.marker:
                assert probe.marker not in body, f"{where} leaked A's data"
            if probe.verify:
                probe.verify(response)
        setup.check()

        for probe in probes:  # each probe could have failed: A's own key reaches A's data
            control = probe.controlled()
            if control is False:
                continue
            where = f"{probe.method} {probe.path} with A's own key"
            response, body = send(alice.client(), probe)
            assert 200 <= response.status_code < 300, f"{where}: {response.status_code}: {body}"
            if callable(control):
                control(response)
            elif probe.marker:
                assert probe.marker in body, f"{where}: no marker, so the probe cannot fail"
    finally:
        setup.cleanup()


@pytest.mark.parametrize("route", sorted(EXEMPT))
def test_an_exempt_route_answers_every_tenant_alike(route, alice, charlie, settings):
    settings.LLM_API_BASE = ""  # no model from the environment: an answer is a pure function
    exemption = EXEMPT[route]
    assert exemption.reason
    probe = exemption.probe
    assert route_of(probe.path) == route, f"the exemption's probe reaches {route_of(probe.path)}"
    a_response, a_body = send(alice.client(), probe)
    b_response, b_body = send(charlie.client(), probe)
    assert 200 <= a_response.status_code < 300, a_body
    assert (b_response.status_code, b_body) == (a_response.status_code, a_body)
