from __future__ import annotations

import pytest

from apps.core.errors import BadRequest
from apps.memories.filters import compile_filters


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {},
        {"x": {"between": [1, 2]}},
        {"AND": "not a list"},
        {"AND": []},
        {"x": {"in": []}},
        {"x": {"gt": [1]}},
        {"x": {"gt": True}},
        {"NOT": {}},
        {"": 1},
    ],
)
def test_malformed_filters_are_bad_requests(bad):
    with pytest.raises(BadRequest):
        compile_filters(bad)


def test_nesting_depth_is_bounded():
    node = {"x": 1}
    for _ in range(10):
        node = {"NOT": node}
    with pytest.raises(BadRequest, match="deeper"):
        compile_filters(node)


def test_values_are_parameters_never_sql():
    sql, params = compile_filters({"k'; DROP TABLE x; --": "v'"})
    assert "DROP" not in sql and any("DROP" in str(p) for p in params)
