"""The one way briefbot fetches a URL: SSRF-guarded, size-capped, time-limited, polite.

Every hop of a redirect chain is checked (scheme, resolved addresses) and the checked address
is pinned for the connection, so DNS cannot be switched between check and use. A pooled
connection is reused only for the host name it was opened (and its certificate checked) for,
never for another site on the same address (`HostPools`). Bodies are decompressed here with
a hard cap on the *decoded* size, so decompression bombs stop early.
Errors are `FetchError`s with one-line reasons; this module never shows library messages:
every httpx exception, on any path, becomes one through `fetch_error` (the one mapping).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import httpx

from bot.collect.hostpools import HostPools
from bot.collect.netguard import check_address, check_url, literal_address
from bot.errors import (
    BlockedURLError,
    ContentTypeError,
    FetchError,
    FetchTimeoutError,
    RedirectError,
    ResponseTooLargeError,
)

Resolver = Callable[[str, int], Awaitable[list[str]]]

TEXT_TYPES = (
    "application/xhtml+xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/ld+json",
)
REDIRECTS = (301, 302, 303, 307, 308)
POOLED_HOSTS = 32  # sites whose idle keep-alive connections are kept (least recently used go)
# Everything httpx raises: `InvalidURL`, `StreamError` and `CookieConflict` are not
# `HTTPError`s, and httpx builds a redirect's next request (parsing its Location) even when
# it does not follow it. `UnicodeError` is IDNA's (a host like xn--a).
HTTPX_ERRORS: tuple[type[Exception], ...] = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.StreamError,
    httpx.CookieConflict,
    UnicodeError,
)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits for every fetch; `allow_hosts` is empty (off) by default."""

    max_bytes: int = 5_000_000
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    per_host_limit: int = 2
    user_agent: str = "briefbot/0.1 (+https://github.com/briefbot/briefbot; news briefing bot)"
    allow_hosts: tuple[str, ...] = ()
    accept: str = (
        "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
        "application/xml;q=0.9,text/*;q=0.8,*/*;q=0.1"
    )

    def for_sources(self) -> FetchPolicy:
        """For the operator's own sources (briefbot.toml, the demo, the CLI): as configured."""
        return self

    def for_users(self) -> FetchPolicy:
        """For URLs a chat user hands over: the allow-list never applies, so private,
        loopback and metadata addresses are always refused."""
        return replace(self, allow_hosts=())


def fetch_error(exc: BaseException, host: str, policy: FetchPolicy) -> FetchError:
    """The one mapping from what httpx (or IDNA) raises to a one-line `FetchError`."""
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeoutError(f"{host} did not answer within {policy.read_timeout:g} s")
    if isinstance(exc, httpx.TooManyRedirects):
        return RedirectError(f"too many redirects (more than {policy.max_redirects})")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return BlockedURLError("refused: only http and https URLs can be fetched")
    if isinstance(exc, (httpx.InvalidURL, UnicodeError)):
        # Our own requests go to checked URLs: an invalid one comes from a Location header.
        return RedirectError(f"{host} sent a redirect to an invalid URL")
    if isinstance(exc, httpx.ConnectError):
        return FetchError(f"could not connect to {host}")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return FetchError(f"{host} closed the connection or sent an invalid response")
    if isinstance(exc, httpx.DecodingError):
        return FetchError(f"the response from {host} could not be decoded")
    if isinstance(exc, httpx.StreamError):
        return FetchError(f"the response from {host} could not be read")
    return FetchError(f"could not fetch from {host}")


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    status: int
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body decoded with its declared charset, else UTF-8 (errors replaced)."""
        try:
            return self.content.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


async def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver, in order, without repeats."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"could not resolve {host}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class ResolverCache:
    """A resolver that asks the one it wraps once per (host, port), for one collection run:
    concurrent fetches from one host share the lookup, and a failed lookup is not retried
    within the run. It only remembers answers; the fetcher checks the addresses (SSRF) on
    every use and connects to the one it checked, so a cached answer is never trusted more
    than a fresh one. Short-lived by design: a run is minutes, DNS records outlive it."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.lookups = 0  # how many times the wrapped resolver was asked
        self._answers: dict[tuple[str, int], asyncio.Future[list[str]]] = {}

    async def __call__(self, host: str, port: int) -> list[str]:
        key = (host.lower(), port)
        lookup = self._answers.get(key)
        if lookup is None:
            # A task of its own, shielded: a fetch cancelled (over budget) while resolving
            # does not cancel the lookup the others wait for.
            lookup = asyncio.ensure_future(self.resolver(host, port))
            self._answers[key] = lookup
            self.lookups += 1
        return list(await asyncio.shield(lookup))


def build_http_client(
    policy: FetchPolicy, *, trust: ssl.SSLContext | None = None
) -> httpx.AsyncClient:
    """The shared client: no automatic redirects or proxies, our timeouts and headers, and a
    connection pool per host name (`HostPools`), since requests go to pinned addresses.

    trust: the certificate authorities to verify https against (certifi's by default)."""
    context = trust or httpx.create_ssl_context(trust_env=False)
    # Two fetchers (sources, users) share the client, each with per_host_limit slots a site.
    per_site = 2 * policy.per_host_limit
    limits = httpx.Limits(max_connections=per_site, max_keepalive_connections=per_site)

    def pool() -> httpx.AsyncHTTPTransport:
        return httpx.AsyncHTTPTransport(verify=context, trust_env=False, limits=limits)

    return httpx.AsyncClient(
        transport=HostPools(pool, max_hosts=POOLED_HOSTS),
        timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
        follow_redirects=False,
        trust_env=False,
        headers={
            "User-Agent": policy.user_agent,
            "Accept": policy.accept,
            "Accept-Encoding": "gzip, deflate",
        },
    )


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return parts[0].lower() or None, charset


def _text_like(media_type: str | None) -> bool:
    return media_type is None or media_type.startswith("text/") or media_type in TEXT_TYPES


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


class _Decoder:
    """Incremental gzip/deflate decoding that never produces more than it is allowed to."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.obj = zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding else None

    def feed(self, data: bytes, allowance: int) -> bytes:
        if self.obj is None:
            return data[: allowance + 1]
        out = bytearray()
        while data and len(out) <= allowance:
            try:
                out += self.obj.decompress(data, allowance + 1 - len(out))
            except zlib.error:
                if self.encoding == "deflate" and not out:  # raw deflate without zlib header
                    self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    self.encoding = "raw"
                    continue
                raise FetchError("the response could not be decompressed") from None
            data = self.obj.unconsumed_tail
            if self.obj.eof and self.obj.unused_data:  # another gzip member follows
                data = self.obj.unused_data
                self.obj = zlib.decompressobj(zlib.MAX_WBITS | 32)
        return bytes(out)


class Fetcher:
    """Fetches URLs under a `FetchPolicy` through an injected httpx client: one from
    `build_http_client`, whose pools are kept apart per host name (a plain client's single
    pool would let sites on one address share a connection and its certificate check)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.client = client
        self.policy = policy or FetchPolicy()
        self.resolver = resolver
        self._host_slots: dict[str, asyncio.Semaphore] = {}

    def for_run(self) -> Fetcher:
        """A fetcher for one collection run: the same client, policy and per-host slots, with
        each host resolved once per run (`ResolverCache`)."""
        run = Fetcher(self.client, self.policy, resolver=ResolverCache(self.resolver))
        run._host_slots = self._host_slots
        return run

    def _slots(self, host: str) -> asyncio.Semaphore:
        if host not in self._host_slots:
            self._host_slots[host] = asyncio.Semaphore(self.policy.per_host_limit)
        return self._host_slots[host]

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a URL, following checked redirects; 304 when the validators still match."""
        target = check_url(url)
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                return await self._fetch(target, etag, last_modified)
        except TimeoutError:
            raise FetchTimeoutError(
                f"{target.host} did not answer within {self.policy.total_timeout:g} s"
            ) from None
        except HTTPX_ERRORS as exc:  # any path the narrower handlers below did not cover
            raise fetch_error(exc, target.host, self.policy) from None

    async def _addresses(self, url: httpx.URL) -> list[str]:
        host = url.host
        literal = literal_address(host)
        if literal is not None:
            ips = [str(literal)]
        else:
            ips = await self.resolver(host, url.port or (443 if url.scheme == "https" else 80))
        if not ips:
            raise FetchError(f"could not resolve {host}")
        for ip in ips:  # any private address among them is refused
            check_address(host, ip, self.policy.allow_hosts)
        return ips

    async def _fetch(
        self, current: httpx.URL, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        seen: set[str] = set()
        for _hop in range(self.policy.max_redirects + 1):
            seen.add(str(current))
            ip = (await self._addresses(current))[0]
            headers = {"Host": current.netloc.decode("ascii")}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            extensions = {"sni_hostname": current.host} if current.scheme == "https" else {}
            request = self.client.build_request(
                "GET", current.copy_with(host=ip), headers=headers, extensions=extensions
            )
            async with self._slots(current.host):
                response = await self._send(request, current.host)
                try:
                    if response.status_code in REDIRECTS:
                        current = self._next_hop(current, response, seen)
                        continue
                    return await self._result(current, response)
                finally:
                    await response.aclose()
        raise RedirectError(f"too many redirects (more than {self.policy.max_redirects})")

    async def _send(self, request: httpx.Request, host: str) -> httpx.Response:
        try:
            return await self.client.send(request, stream=True)
        except HTTPX_ERRORS as exc:
            raise fetch_error(exc, host, self.policy) from None

    def _next_hop(self, current: httpx.URL, response: httpx.Response, seen: set[str]) -> httpx.URL:
        location = response.headers.get("location")
        if not location:
            raise RedirectError(f"{current.host} sent a redirect without a target")
        try:
            target = current.join(location.strip())
            checked = check_url(str(target))
        except (httpx.InvalidURL, ValueError):
            raise RedirectError(f"{current.host} sent a redirect to an invalid URL") from None
        if str(checked) in seen:
            raise RedirectError("the redirects go round in a loop")
        return checked

    async def _result(self, url: httpx.URL, response: httpx.Response) -> FetchResult:
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        media, charset = _media_type(response.headers.get("content-type"))
        if response.status_code == 304:
            return FetchResult(str(url), 304, b"", media, charset, etag, last_modified)
        if response.status_code >= 400 or response.status_code < 200:
            raise FetchError(f"HTTP {response.status_code} from {url.host}")
        if not _text_like(media):
            raise ContentTypeError(f"not a text document ({media})")
        cap = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise ResponseTooLargeError(f"the document is larger than {_mb(cap)}")
        encoding = response.headers.get("content-encoding", "").strip().lower()
        if encoding in ("identity",):
            encoding = ""
        if encoding not in ("", "gzip", "x-gzip", "deflate"):
            raise FetchError(f"{url.host} used an unsupported content encoding ({encoding})")
        decoder = _Decoder(encoding)
        body = bytearray()
        try:
            async for raw in response.aiter_raw():
                body += decoder.feed(raw, cap - len(body))
                if len(body) > cap:
                    raise ResponseTooLargeError(f"the document is larger than {_mb(cap)}")
        except httpx.TimeoutException as exc:
            raise fetch_error(exc, url.host, self.policy) from None
        except HTTPX_ERRORS:
            raise FetchError(f"{url.host} closed the connection mid-document") from None
        return FetchResult(
            str(url), response.status_code, bytes(body), media, charset, etag, last_modified
        )
