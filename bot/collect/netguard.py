"""URL and address policy for everything briefbot fetches (the SSRF guard). Pure: no I/O.

A URL a user pastes, or a link a feed hands us, may point at loopback, the private network or
a cloud metadata service. Only http(s) URLs whose every resolved address is public may be
fetched, unless the host is on an explicit allow-list (off by default; used by the tests and
the bundled demo, which serve pages on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Sequence

import httpx

from bot.errors import BlockedURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_BLOCKED_NAMES = {"localhost", "metadata", "metadata.google.internal", "instance-data"}
_BLOCKED_SUFFIXES = (".localhost", ".internal", ".local", ".localdomain", ".home.arpa")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


_HOST_CHARS = re.compile(r"^(?:[a-z0-9._-]+|[0-9a-f:.]*:[0-9a-f:.]*)$")  # a name, or IPv6


def check_url(url: str) -> httpx.URL:
    """Parse a URL that may be fetched: http(s), a valid host, no credentials.

    Anything a browser would "fix up" (backslashes, control characters) is refused
    rather than guessed at, and so is a host IDNA cannot decode (``xn--a``).
    """
    if not isinstance(url, str):
        raise BlockedURLError("refused: not a valid URL")
    url = url.strip()
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise BlockedURLError("refused: not a valid URL (it contains control characters)")
    if "\\" in url:
        raise BlockedURLError("refused: not a valid URL (it contains backslashes)")
    try:
        parsed = httpx.URL(url)
        raw_host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, TypeError, ValueError):
        raise BlockedURLError("refused: not a valid URL") from None
    try:
        host = parsed.host.lower().rstrip(".")  # decodes IDNA (xn--…): may raise UnicodeError
    except ValueError:
        raise BlockedURLError("refused: not a valid URL (bad host name)") from None
    if parsed.scheme not in ("http", "https"):
        raise BlockedURLError("refused: only http and https URLs can be fetched")
    if not raw_host:
        raise BlockedURLError("refused: the URL has no host")
    if not _HOST_CHARS.match(raw_host.lower()):
        raise BlockedURLError("refused: not a valid URL (bad host name)")
    if parsed.userinfo:
        raise BlockedURLError("refused: URLs with a user name or password are not fetched")
    if host in _BLOCKED_NAMES or host.endswith(_BLOCKED_SUFFIXES):
        raise BlockedURLError(f"refused: {host} is a local or internal name")
    return parsed


def literal_address(host: str) -> IPAddress | None:
    """The IP a host names literally, including legacy forms like 2130706433 or 0x7f.1."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _embedded_v4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr in _NAT64 or addr in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if int(addr) >> 32 == 0 and int(addr) > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def is_public_address(ip: str | IPAddress) -> bool:
    """True for a globally routable unicast address (checking IPv4 embedded in IPv6)."""
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.teredo is not None:
            return False
        inner = _embedded_v4(addr)
        if inner is not None:
            return is_public_address(inner)
    return bool(addr.is_global) and not addr.is_multicast and not addr.is_reserved


def _describe(addr: IPAddress) -> str:
    if isinstance(addr, ipaddress.IPv6Address) and _embedded_v4(addr) is not None:
        inner = _embedded_v4(addr)
        assert inner is not None
        return _describe(inner)
    if addr.is_loopback:
        return "a loopback address"
    if addr.is_link_local:
        return "a link-local (cloud metadata) address"
    if addr.is_multicast:
        return "a multicast address"
    if addr.is_unspecified:
        return "an unspecified address"
    if addr.is_private:
        return "a private address"
    return "not a public address"


def host_allowed(host: str, ips: Sequence[str], allow_hosts: Sequence[str]) -> bool:
    """Whether the allow-list names the host, or covers every one of its addresses."""
    if not allow_hosts:
        return False
    names = {h.strip().lower().rstrip(".") for h in allow_hosts if h.strip()}
    if host.lower().rstrip(".") in names:
        return True
    networks = []
    for entry in names:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    if not networks or not ips:
        return False
    return all(any(ipaddress.ip_address(ip) in net for net in networks) for ip in ips)


def check_address(host: str, ip: str, allow_hosts: Sequence[str]) -> None:
    """Refuse a resolved address that is not public, unless the allow-list covers it."""
    addr = ipaddress.ip_address(ip)
    if is_public_address(addr) or host_allowed(host, [ip], allow_hosts):
        return
    raise BlockedURLError(f"refused: {host} resolves to {_describe(addr)} ({addr})")
