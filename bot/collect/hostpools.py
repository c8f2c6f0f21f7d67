"""Connection pools kept apart per host name, for a client that connects to pinned addresses.

The fetcher sends each request to the IP address it checked (SSRF guard) and names the site
only in the Host header and, for https, the TLS server name. httpx's pool matches connections
by scheme, address and port alone, so a single pool would hand a connection opened for one
site (for https: whose certificate was verified for that site only) to another site that
shares the address, as sites on one CDN do. Here each host name has a pool of its own, and
within it httpx's matching keeps scheme, address and port apart: a connection is reused only
for the same host name, address and port. Keep-alive within one site is unchanged.

The pools are bounded: the least recently used idle one is closed when there are more than
`max_hosts`. It must never close a pool a response is still being read from, nor choose a
pool by anything but what the request itself names.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx

PoolKey = tuple[str, str]


@dataclass(slots=True)
class _Pool:
    transport: httpx.AsyncBaseTransport
    busy: int = 0  # responses sent through it and not yet closed


def pool_key(request: httpx.Request) -> PoolKey:
    """The site a request is for: its Host header and its TLS server name (https only)."""
    host = request.headers.get("host", request.url.netloc.decode("ascii")).lower()
    server_name = str(request.extensions.get("sni_hostname") or "")
    return host, server_name.lower()


class _Released(httpx.AsyncByteStream):
    """A response body that marks its pool idle again once it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._release is not None:
                self._release()
                self._release = None


class HostPools(httpx.AsyncBaseTransport):
    """A transport that sends each request through the pool of its host name (`pool_key`),
    made by `make_pool` on first use; closing it closes every pool."""

    def __init__(
        self, make_pool: Callable[[], httpx.AsyncBaseTransport], *, max_hosts: int = 32
    ) -> None:
        if max_hosts < 1:
            raise ValueError("max_hosts must be at least 1")
        self.make_pool = make_pool
        self.max_hosts = max_hosts
        self._pools: OrderedDict[PoolKey, _Pool] = OrderedDict()

    @property
    def hosts(self) -> list[PoolKey]:
        """The sites that have a pool, least recently used first."""
        return list(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = pool_key(request)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = _Pool(self.make_pool())
        self._pools.move_to_end(key)
        pool.busy += 1

        def release() -> None:
            pool.busy -= 1

        try:
            await self._evict()
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            release()
            raise
        if not isinstance(response.stream, httpx.AsyncByteStream):  # pragma: no cover
            release()
            await response.aclose()
            raise TypeError("an async transport returned a sync response body")
        response.stream = _Released(response.stream, release)
        return response

    async def _evict(self) -> None:
        """Close the least recently used idle pools while there are more than `max_hosts`."""
        excess = len(self._pools) - self.max_hosts
        idle = [key for key, pool in self._pools.items() if pool.busy == 0][: max(excess, 0)]
        closing = [self._pools.pop(key).transport for key in idle]
        for transport in closing:
            await transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.transport.aclose()
