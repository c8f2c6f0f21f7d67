"""The SSRF guard's pure rules: schemes, names and every address form that is not public."""

from __future__ import annotations

import pytest

from bot.collect.netguard import (
    check_address,
    check_url,
    host_allowed,
    is_public_address,
    literal_address,
)
from bot.errors import BlockedURLError


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.5",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "2002:7f00:1::",
        "2002:a00:1::",
        "ff02::1",
        "::127.0.0.1",
        "2001::1",
    ],
)
def test_not_public(ip: str) -> None:
    assert not is_public_address(ip)
    with pytest.raises(BlockedURLError, match="refused"):
        check_address("example.com", ip, ())


@pytest.mark.parametrize("ip", ["93.184.216.34", "1.1.1.1", "2606:4700::1111", "::ffff:1.1.1.1"])
def test_public(ip: str) -> None:
    assert is_public_address(ip)
    check_address("example.com", ip, ())


@pytest.mark.parametrize(
    ("host", "ip"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("[::1]", "::1"),
    ],
)
def test_legacy_numeric_spellings_are_recognised(host: str, ip: str) -> None:
    assert str(literal_address(host)) == ip
    assert literal_address("example.com") is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.com/x", "only http and https"),
        ("gopher://example.com/", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("data:text/html,hi", "only http and https"),
        ("http://user:pw@example.com/", "user name or password"),
        ("http://localhost:8080/", "local or internal name"),
        ("http://app.localhost/", "local or internal name"),
        ("http://metadata.google.internal/computeMetadata/v1/", "local or internal name"),
        ("http://printer.local/", "local or internal name"),
        ("http:///nohost", "no host"),
        ("not a url at all", "only http and https"),
    ],
)
def test_urls_refused(url: str, reason: str) -> None:
    with pytest.raises(BlockedURLError, match=reason):
        check_url(url)


def test_https_url_accepted() -> None:
    assert check_url("https://Example.com/a?b=1").host == "example.com"


def test_allow_list_by_name_ip_and_cidr() -> None:
    assert host_allowed("news.test", ["127.0.0.1"], ("news.test",))
    assert host_allowed("x", ["127.0.0.1"], ("127.0.0.1",))
    assert host_allowed("x", ["10.1.2.3"], ("10.0.0.0/8",))
    assert not host_allowed("x", ["10.1.2.3", "192.168.0.1"], ("10.0.0.0/8",))
    assert not host_allowed("x", ["127.0.0.1"], ())
    check_address("news.test", "127.0.0.1", ("news.test",))
    with pytest.raises(BlockedURLError):
        check_address("other.test", "127.0.0.1", ("news.test",))
