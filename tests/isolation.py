"""Registry for the generic cross-tenant test (tests/test_isolation.py).

Each API route registers a case: given tenant A's owner (alice), it makes A's objects and
returns the requests an outsider (charlie, tenant B, every scope) will try against them. A probe
expects either 404 (an object of another tenant does not exist for you) or, for collections,
any answer that does not contain A's marker text. `check` then proves A's data is unchanged.
A route with no case fails the walker, so every new endpoint must join."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Probe:
    method: str
    path: str
    body: Any = None
    expect_404: bool = True
    marker: str = ""  # for collection probes: text of A's data that must not appear
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Setup:
    probes: list[Probe]
    check: Callable[[], None] = lambda: None


CASES: dict[str, Callable[..., Setup]] = {}


def case(*routes: str) -> Callable:
    def register(fn: Callable[..., Setup]) -> Callable[..., Setup]:
        for route in routes:
            CASES[route] = fn
        return fn

    return register
