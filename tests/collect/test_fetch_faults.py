"""Every way a URL or a server can fail a fetch ends as a `FetchError` with a one-line reason:
invalid URLs of any kind, hostile redirects, and each exception httpx can raise (mapped in one
place). And the two policies: the allow-list serves configured sources, never chat users."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.collect.netguard import check_url
from bot.errors import BlockedURLError, FetchError, RedirectError
from testkit.web import WebServer

LOCAL = FetchPolicy(allow_hosts=("127.0.0.1",), read_timeout=1.0, total_timeout=2.0)
PUBLIC_IP = "93.184.216.34"


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer() as server:
        server.add("/page", "<p>hello</p>")
        yield server


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://xn--a/", "refused: not a valid URL (bad host name)"),
        ("http:\\\\127.0.0.2/", "refused: not a valid URL (it contains backslashes)"),
        ("http://127.0.0.1\\@example.com/", "refused: not a valid URL (it contains backslashes)"),
        ("http://exa\x07mple.com/", "refused: not a valid URL (it contains control characters)"),
        ("http://example.com/a\x1b[2Jb", "refused: not a valid URL (it contains control chara"),
        ("http://example.com/\x00", "refused: not a valid URL (it contains control characters)"),
        ("http://exa mple.com/", "refused: not a valid URL (bad host name)"),
        ("http://%7f.example/", "refused: not a valid URL (bad host name)"),
        ("http://[::1/", "refused: not a valid URL"),
    ],
)
def test_invalid_urls_of_every_kind_are_one_line_refusals(url: str, reason: str) -> None:
    with pytest.raises(BlockedURLError) as caught:
        check_url(url)
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize(
    "location", ["http:\\\\127.0.0.2/", "http:\\127.0.0.2/", "http://xn--a/", "//xn--a/x"]
)
async def test_a_redirect_to_an_invalid_url_is_a_redirect_error(
    web: WebServer, location: str
) -> None:
    web.redirect("/go", location)
    async with build_http_client(LOCAL) as client:
        with pytest.raises(RedirectError, match=r"127\.0\.0\.1 sent a redirect to an invalid URL"):
            await Fetcher(client, LOCAL).fetch(web.url("/go"))


def raising(exc: Exception) -> httpx.MockTransport:
    def handler(_request: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.MockTransport(handler)


async def public(host: str, port: int) -> list[str]:
    return [PUBLIC_IP]


@pytest.mark.parametrize(
    ("exc", "error", "reason"),
    [
        (httpx.InvalidURL("x"), RedirectError, "news.test sent a redirect to an invalid URL"),
        (httpx.UnsupportedProtocol("x"), BlockedURLError, "only http and https"),
        (httpx.TooManyRedirects("x"), RedirectError, "too many redirects"),
        (httpx.ConnectError("x"), FetchError, "could not connect to news.test"),
        (httpx.ReadError("x"), FetchError, "news.test closed the connection"),
        (httpx.RemoteProtocolError("x"), FetchError, "news.test closed the connection"),
        (httpx.ProxyError("x"), FetchError, "could not fetch from news.test"),
        (httpx.DecodingError("x"), FetchError, "could not be decoded"),
        (httpx.StreamConsumed(), FetchError, "could not be read"),
        (httpx.StreamClosed(), FetchError, "could not be read"),
        (httpx.CookieConflict("x"), FetchError, "could not fetch from news.test"),
        (httpx.ReadTimeout("x"), FetchError, "did not answer within"),
        (UnicodeError("label too long"), RedirectError, "sent a redirect to an invalid URL"),
    ],
)
async def test_every_httpx_exception_becomes_a_fetch_error(
    exc: Exception, error: type[FetchError], reason: str
) -> None:
    async with httpx.AsyncClient(transport=raising(exc)) as client:
        with pytest.raises(error) as caught:
            await Fetcher(client, FetchPolicy(), resolver=public).fetch("http://news.test/a")
    assert reason in caught.value.reason
    assert "\n" not in caught.value.reason


async def test_the_allow_list_is_for_sources_never_for_users(web: WebServer) -> None:
    async with build_http_client(LOCAL) as client:
        result = await Fetcher(client, LOCAL.for_sources()).fetch(web.url("/page"))
        assert result.status == 200
        with pytest.raises(BlockedURLError, match="loopback"):
            await Fetcher(client, LOCAL.for_users()).fetch(web.url("/page"))
    assert LOCAL.for_users().allow_hosts == () and LOCAL.for_users().max_bytes == LOCAL.max_bytes
    assert [r.path for r in web.requests] == ["/page"]
