"""The client address: X-Forwarded-For only behind trusted proxies, read right to left."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from apps.core.netaddr import client_ip, network_text, parse_network

PROXIES = ["10.0.0.0/8", "fd00::/8"]


def ip_of(settings, remote: str, forwarded: str | None = None, proxies=PROXIES) -> str | None:
    settings.TRUSTED_PROXIES = proxies
    settings.TRUST_X_FORWARDED_FOR = False
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.1", "198.51.100.1", "203.0.113.1"),  # untrusted peer: header ignored
        ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.1", "6.6.6.6, 198.51.100.1, 10.9.9.9", "198.51.100.1"),  # forged hop left
        ("10.0.0.1", "10.1.1.1, 10.2.2.2", "10.1.1.1"),  # only our proxies: the leftmost
        ("10.0.0.1", "", "10.0.0.1"),  # a proxy's own request
        ("10.0.0.1", "198.51.100.1, bogus", None),  # a trusted proxy passed on garbage
        ("fd00::1", "2001:db8::7", "2001:db8::7"),
        ("::ffff:10.0.0.1", "::ffff:198.51.100.1", "198.51.100.1"),  # IPv4-mapped
    ],
)
def test_client_address(settings, remote, forwarded, expected):
    assert ip_of(settings, remote, forwarded) == expected


def test_no_trusted_proxies_means_the_header_is_ignored(settings):
    assert ip_of(settings, "10.0.0.1", "198.51.100.1", proxies=[]) == "10.0.0.1"


def test_the_deprecated_switch_trusts_every_hop(settings):
    settings.TRUSTED_PROXIES = []
    settings.TRUST_X_FORWARDED_FOR = True
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1",
                                   HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.9")  # fmt: skip
    assert client_ip(request) == "198.51.100.4"


@pytest.mark.parametrize(
    ("value", "text"),
    [("1.2.3.4", "1.2.3.4"), ("1.2.3.4/32", "1.2.3.4"), ("10.1.2.3/8", "10.0.0.0/8"),
     ("2001:DB8::/32", "2001:db8::/32"), ("::ffff:10.0.0.0/104", "10.0.0.0/8")],
)  # fmt: skip
def test_networks_are_normalised(value, text):
    assert network_text(parse_network(value)) == text


@pytest.mark.parametrize("value", ["", " ", "1.2.3", "10.0.0.0/33", "example.com", "1.2.3.4/-1"])
def test_bad_networks_are_refused(value):
    with pytest.raises(ValueError):
        parse_network(value)


def test_a_bad_trusted_proxies_setting_stops_the_start():
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRUSTED_PROXIES": "10.0.0.0/8,nonsense",
           "DJANGO_SETTINGS_MODULE": "memplatform.settings.test"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode != 0 and "TRUSTED_PROXIES: 'nonsense'" in out.stderr
