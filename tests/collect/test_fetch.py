"""The fetcher over real HTTP on 127.0.0.1: SSRF on every hop, pinning, caps, types,
timeouts, conditional GET and per-host limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.errors import (
    BlockedURLError,
    ContentTypeError,
    FetchError,
    FetchTimeoutError,
    RedirectError,
    ResponseTooLargeError,
)
from testkit.web import Reply, WebServer

LOCAL = FetchPolicy(
    allow_hosts=("127.0.0.1",), read_timeout=0.5, total_timeout=1.5, max_bytes=1_000_000
)


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer() as server:
        yield server


def fetcher_for(policy: FetchPolicy, resolver: object = None) -> AsyncIterator[Fetcher]:
    async def gen() -> AsyncIterator[Fetcher]:
        client = build_http_client(policy)
        kwargs = {"resolver": resolver} if resolver else {}
        yield Fetcher(client, policy, **kwargs)  # type: ignore[arg-type]
        await client.aclose()

    return gen()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async for f in fetcher_for(LOCAL):
        yield f


def resolver_map(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return table[host]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


async def test_ok_with_user_agent_and_charset(web: WebServer, fetcher: Fetcher) -> None:
    web.add("/a", "<p>héllo</p>".encode("latin-1"), content_type="text/html; charset=ISO-8859-1")
    result = await fetcher.fetch(web.url("/a"))
    assert result.status == 200 and result.text() == "<p>héllo</p>"
    assert result.content_type == "text/html" and result.charset == "ISO-8859-1"
    assert web.requests[0].headers["User-Agent"].startswith("briefbot/")


async def test_http_error_is_a_reason(web: WebServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match=r"HTTP 404 from 127\.0\.0\.1"):
        await fetcher.fetch(web.url("/missing"))


async def test_redirect_chain_is_followed(web: WebServer, fetcher: Fetcher) -> None:
    web.redirect("/r1", "/r2", 301)
    web.redirect("/r2", web.url("/end"), 302)
    web.add("/end", "<p>end</p>")
    result = await fetcher.fetch(web.url("/r1"))
    assert result.url == web.url("/end") and result.content == b"<p>end</p>"


async def test_default_policy_refuses_loopback(web: WebServer) -> None:
    web.add("/a", "<p>secret</p>")
    async for f in fetcher_for(FetchPolicy()):
        for url in (web.url("/a"), f"http://localhost:{web.port}/a"):
            with pytest.raises(BlockedURLError, match="refused"):
                await f.fetch(url)
    assert web.requests == []


async def test_redirect_to_loopback_is_refused(web: WebServer) -> None:
    web.redirect("/go", web.url("/secret"))
    web.add("/secret", "<p>secret</p>")
    resolve = resolver_map({"news.test": ["127.0.0.1"]})
    policy = FetchPolicy(allow_hosts=("news.test",), total_timeout=2)
    async for f in fetcher_for(policy, resolve):
        with pytest.raises(BlockedURLError, match="loopback"):
            await f.fetch(f"http://news.test:{web.port}/go")
    assert [r.path for r in web.requests] == ["/go"]  # the redirect target was never asked


async def test_name_resolving_to_private_address_is_refused_before_connecting() -> None:
    resolve = resolver_map({"evil.test": ["93.184.216.34", "10.0.0.5"]})
    async for f in fetcher_for(FetchPolicy(), resolve):
        with pytest.raises(BlockedURLError, match=r"private address \(10\.0\.0\.5\)"):
            await f.fetch("http://evil.test/")


async def test_metadata_address_is_refused() -> None:
    async for f in fetcher_for(FetchPolicy()):
        with pytest.raises(BlockedURLError, match="link-local"):
            await f.fetch("http://169.254.169.254/latest/meta-data/")
        with pytest.raises(BlockedURLError):
            await f.fetch("http://[::ffff:169.254.169.254]/")


async def test_checked_address_is_pinned_and_host_header_kept(web: WebServer) -> None:
    # A rebinding resolver: public answer for the check would be useless to an attacker if
    # the connection re-resolved; the fetcher must connect to the address it checked.
    web.add("/a", "<p>ok</p>")
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    policy = FetchPolicy(allow_hosts=("news.test",))
    async for f in fetcher_for(policy, rebinding):
        result = await f.fetch(f"http://news.test:{web.port}/a")
    assert result.url == f"http://news.test:{web.port}/a"
    assert web.requests[0].headers["Host"] == f"news.test:{web.port}"


async def test_too_many_redirects_and_loops(web: WebServer, fetcher: Fetcher) -> None:
    for i in range(8):
        web.redirect(f"/hop{i}", f"/hop{i + 1}")
    with pytest.raises(RedirectError, match="too many redirects"):
        await fetcher.fetch(web.url("/hop0"))
    web.redirect("/ping", "/pong")
    web.redirect("/pong", "/ping")
    with pytest.raises(RedirectError, match="loop"):
        await fetcher.fetch(web.url("/ping"))
    web.route("/nowhere", lambda _r: Reply(302, {}))
    with pytest.raises(RedirectError, match="without a target"):
        await fetcher.fetch(web.url("/nowhere"))


async def test_redirect_to_other_scheme_is_refused(web: WebServer, fetcher: Fetcher) -> None:
    web.redirect("/f", "file:///etc/passwd")
    with pytest.raises(BlockedURLError, match="only http and https"):
        await fetcher.fetch(web.url("/f"))


async def test_gzip_bomb_stops_at_the_cap(web: WebServer, fetcher: Fetcher) -> None:
    web.gzip_bomb("/bomb", 200_000_000)
    with pytest.raises(ResponseTooLargeError, match="larger than 1 MB"):
        await fetcher.fetch(web.url("/bomb"))


async def test_fifty_megabyte_page_is_refused(web: WebServer, fetcher: Fetcher) -> None:
    web.huge("/huge", 50_000_000)
    with pytest.raises(ResponseTooLargeError):
        await fetcher.fetch(web.url("/huge"))
    web.add("/declared", b"x" * 1_500_000)
    with pytest.raises(ResponseTooLargeError):
        await fetcher.fetch(web.url("/declared"))


async def test_non_text_content_is_refused(web: WebServer, fetcher: Fetcher) -> None:
    web.add("/img", b"\x89PNG", content_type="image/png")
    web.add("/pdf", b"%PDF", content_type="application/pdf")
    with pytest.raises(ContentTypeError, match=r"not a text document \(image/png\)"):
        await fetcher.fetch(web.url("/img"))
    with pytest.raises(ContentTypeError):
        await fetcher.fetch(web.url("/pdf"))


async def test_server_that_never_answers_times_out(web: WebServer, fetcher: Fetcher) -> None:
    web.hang("/hang")
    with pytest.raises(FetchTimeoutError, match="did not answer"):
        await fetcher.fetch(web.url("/hang"))


async def test_slow_drip_hits_the_total_deadline(web: WebServer, fetcher: Fetcher) -> None:
    web.slow_drip("/drip", interval=0.1)
    with pytest.raises(FetchTimeoutError, match=r"within 1\.5 s"):
        await fetcher.fetch(web.url("/drip"))


async def test_conditional_get(web: WebServer, fetcher: Fetcher) -> None:
    web.conditional("/feed", b"<rss/>", etag='"v1"', last_modified="Tue, 24 Nov 2026 06:00:00 GMT")
    first = await fetcher.fetch(web.url("/feed"))
    assert first.etag == '"v1"' and not first.not_modified
    second = await fetcher.fetch(web.url("/feed"), etag=first.etag)
    assert second.not_modified and second.content == b""
    assert web.requests[1].headers["If-None-Match"] == '"v1"'


async def test_per_host_concurrency_limit(web: WebServer) -> None:
    def slow(_r: object) -> Reply:
        time.sleep(0.2)
        return Reply(200, {"Content-Type": "text/html"}, b"<p>ok</p>")

    web.route("/slow", slow)
    policy = FetchPolicy(allow_hosts=("127.0.0.1",), per_host_limit=2)
    async for f in fetcher_for(policy):
        await asyncio.gather(*(f.fetch(web.url("/slow")) for _ in range(6)))
    assert web.max_in_flight == 2
