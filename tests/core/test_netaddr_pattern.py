"""The schema's pattern for an address or CIDR range (NETWORK_PATTERN) only matches what the
parser accepts: a client or fuzzer that follows the schema is never answered `invalid_ip`."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.netaddr import NETWORK_PATTERN, parse_network


@settings(max_examples=2000, deadline=None)
@given(st.from_regex(NETWORK_PATTERN, fullmatch=True))
def test_everything_the_pattern_matches_parses(value):
    parse_network(value)


def test_the_pattern_refuses_what_the_parser_refuses():
    for value in ["0", "1.2.3", "01.2.3.4", "10.0.0.0/33", "::1/129", "1::2::3", "example.com",
                  " 10.0.0.1", "10.0.0.1/8/8"]:  # fmt: skip
        assert not re.fullmatch(NETWORK_PATTERN, value), value
    for value in ["10.0.0.1", "10.0.0.0/8", "::", "::1", "2001:db8::/32", "fe80::1:2"]:
        assert re.fullmatch(NETWORK_PATTERN, value), value
