"""Registry for the generic cross-tenant test (tests/test_isolation.py).

Each API route registers a case: given tenant A's owner (alice), it makes A's objects and
returns the requests an outsider (charlie, tenant B, every scope) will try against them.

A probe expects one of:
- 404 (the default): an object of another tenant does not exist for you;
- a 2xx without A's marker text (`expect_404=False`, `marker=...`): a collection or an action
  inside charlie's own tenant; the 2xx proves the query ran, the marker's absence that it ran
  in B;
- a refusal the route gives by design (`status=403`, e.g. naming another tenant), again
  without the marker.

A probe that may answer names a marker, or has a callable control (below) when its answer
could never carry A's data (an add, a delete by user): then `check` is what can fail. `verify`
runs on charlie's response for anything else it must show (it reached the model, it is not a
replay of A's request).

Every probe must resolve to a route its case is registered for, and every registered route
needs at least one probe (a probe of the wrong path would pass for the wrong reason).

`check` then proves A's data is unchanged. Last, the controls: the same request made with
alice's key must reach A's data, so that each probe could have failed. `control=None` (the
default) is True for 404 probes and GET probes; True means a 2xx and, for a probe with a
marker, the marker in the answer; a callable gets the 2xx response and asserts what alice's
request changed; False must say why in the case. Controls run after `check`, in probe order,
and may change A's data. `cleanup` runs at the end whatever happened.

A route that reads and writes no tenant data has no case but an exemption with its reason and
one probe; the walker proves the exemption (A's and B's keys get the same answer)."""

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
    marker: str = ""  # text of A's data that must not appear in charlie's answer
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None  # a refusal by design, instead of 404 or 2xx
    control: bool | Callable[[Any], None] | None = None
    verify: Callable[[Any], None] | None = None

    def controlled(self) -> bool | Callable[[Any], None]:
        if self.control is not None:
            return self.control
        return (self.expect_404 and self.status is None) or self.method == "GET"


@dataclass
class Setup:
    probes: list[Probe]
    check: Callable[[], None] = lambda: None
    cleanup: Callable[[], None] = lambda: None


@dataclass
class Exemption:
    reason: str
    probe: Probe


CASES: dict[str, Callable[..., Setup]] = {}
EXEMPT: dict[str, Exemption] = {}


def case(*routes: str) -> Callable:
    def register(fn: Callable[..., Setup]) -> Callable[..., Setup]:
        for route in routes:
            CASES[route] = fn
        return fn

    return register


def exempt(route: str, *, reason: str, probe: Probe) -> None:
    """`route` reads and writes no tenant data: nothing to isolate. The walker sends `probe`
    with A's and B's keys and requires the same 2xx answer."""
    EXEMPT[route] = Exemption(reason=reason, probe=probe)
