"""The bundled demo's server and content, over real HTTP on 127.0.0.1: feeds parse, every
listed page exists, placeholders are filled from the injected clock, nothing outside the data
folder is served, every article extracts cleanly, and the story has what the pipeline needs
(a syndicated wire story, off-topic items, a tracked duplicate link)."""

from __future__ import annotations

import http.client
import re
import socket
import time
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.settings import Document

from bot.config import parse_config
from bot.demo.server import DemoServer, data_dir, render

NOW = datetime(2031, 2, 3, 10, 30, tzinfo=UTC)  # far from the wall clock on purpose
DATA = data_dir()
FEEDS = ("/wirepoint/rss.xml", "/harbour-ledger/rss.xml", "/metro/atom.xml")
SITEMAP = "/continental/sitemap.xml"
NEWSROOM = "/tradewatch/news/"
_UNIT = {"m": "minutes", "h": "hours", "d": "days"}


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(now=lambda: NOW) as demo:
        yield demo


@pytest.fixture(scope="module")
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as c:
        yield c


def load_config() -> dict[str, Any]:
    with (DATA / "briefbot.toml").open("rb") as handle:
        return tomllib.load(handle)


def served_files() -> list[Path]:
    return sorted(p for p in DATA.rglob("*") if p.suffix in (".html", ".xml", ".txt"))


def article_pages() -> list[Path]:
    """The news sites' article pages (not index pages, not the local press folder)."""
    return [
        p
        for p in served_files()
        if p.suffix == ".html"
        and p.name != "index.html"
        and p.relative_to(DATA).parts[0] != "press"
    ]


def extract(page: str) -> Document:
    doc = trafilatura.bare_extraction(page, with_metadata=True)
    assert isinstance(doc, Document)
    return doc


def url_path(path: Path) -> str:
    return "/" + path.relative_to(DATA).as_posix()


def meta(page: str, key: str) -> str:
    doc = lxml_html.fromstring(page)
    found = doc.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    assert found, f"no <meta {key}>"
    return str(found[0])


def declared_offset(path: Path) -> timedelta:
    """How long before `now` the page says it was published (from its raw placeholder)."""
    match = re.search(
        r'article:published_time" content="\{\{iso:-(\d+)([mhd])\}\}"', path.read_text()
    )
    assert match, f"{path.name} declares no relative publication time"
    return timedelta(**{_UNIT[match.group(2)]: int(match.group(1))})


def listed_links(client: httpx.Client) -> dict[str, list[str]]:
    """Article URLs each web source lists, as the pipeline would find them."""
    links: dict[str, list[str]] = {}
    for feed in FEEDS:
        parsed = feedparser.parse(client.get(feed).content)
        links[feed] = [e.link for e in parsed.entries]
    tree = etree.fromstring(client.get(SITEMAP).content)
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    links[SITEMAP] = [
        str(loc).strip() for loc in tree.xpath("//sm:url/sm:loc/text()", namespaces=ns)
    ]
    page = client.get(NEWSROOM)
    hrefs = lxml_html.fromstring(page.text).xpath("//a/@href")
    links[NEWSROOM] = [urljoin(str(page.url), str(h)) for h in hrefs]
    return links


# ----------------------------------------------------------------------------- serving


def test_feeds_parse_cleanly_and_every_entry_is_a_live_page(client: httpx.Client) -> None:
    for feed in FEEDS:
        response = client.get(feed)
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert parsed.version in ("rss20", "atom10")
        assert len(parsed.entries) >= 3
        for entry in parsed.entries:
            assert entry.title and entry.summary
            page = client.get(entry.link)
            assert page.status_code == 200, entry.link
            assert page.headers["content-type"] == "text/html; charset=utf-8"
    kinds = {feedparser.parse(client.get(f).content).version for f in FEEDS}
    assert kinds == {"rss20", "atom10"}


def test_sitemap_and_newsroom_list_live_articles(client: httpx.Client) -> None:
    config = load_config()
    pattern = next(s["link_pattern"] for s in config["topics"][0]["sources"] if s["kind"] == "page")
    links = listed_links(client)
    articles = [u for u in links[NEWSROOM] if re.search(pattern, u)]
    assert len(set(articles)) >= 3
    # the page also links elsewhere (sections, paging, events), which the pattern leaves out
    assert len(set(links[NEWSROOM]) - set(articles)) >= 5
    for url in [*articles, *links[SITEMAP]]:
        assert client.get(url).status_code == 200, url


def test_content_types(client: httpx.Client) -> None:
    expected = {
        "/wirepoint/rss.xml": "application/rss+xml; charset=utf-8",
        "/metro/atom.xml": "application/atom+xml; charset=utf-8",
        SITEMAP: "application/xml; charset=utf-8",
        NEWSROOM: "text/html; charset=utf-8",
        "/press/steel-producers-council-statement.txt": "text/plain; charset=utf-8",
    }
    for path, content_type in expected.items():
        assert client.get(path).headers["content-type"] == content_type, path


def test_placeholders_are_filled_in_every_served_file(
    client: httpx.Client, server: DemoServer
) -> None:
    files = served_files()
    assert len(files) >= 20
    for path in files:
        raw = path.read_text(encoding="utf-8")
        text = client.get(url_path(path)).text
        assert "{{" not in text and "}}" not in text and "{base}" not in text, path
        if "{base}" in raw:
            assert server.base_url + "/" in text


def test_dates_follow_the_injected_clock(client: httpx.Client) -> None:
    wire = feedparser.parse(client.get("/wirepoint/rss.xml").content)
    entry = next(e for e in wire.entries if e.link.endswith("/steel-talks-resume.html"))
    assert parsedate_to_datetime(entry.published) == NOW - timedelta(hours=6)

    atom = feedparser.parse(client.get("/metro/atom.xml").content)
    assert all(datetime.fromisoformat(e.updated) <= NOW for e in atom.entries)
    assert datetime.fromisoformat(atom.feed.updated) == NOW - timedelta(hours=5)

    for path in article_pages():
        published = datetime.fromisoformat(
            meta(client.get(url_path(path)).text, "article:published_time")
        )
        assert published == NOW - declared_offset(path), path


def test_render_units_and_naive_clock() -> None:
    text = "{base}/x {{iso:-90m}} {{iso:-2h}} {{iso:-3d}} {{rfc822:-1h}}"
    naive = datetime(2031, 2, 3, 10, 30, 15, 999)
    assert render(text, "http://127.0.0.1:1", naive) == (
        "http://127.0.0.1:1/x 2031-02-03T09:00:15+00:00 2031-02-03T08:30:15+00:00 "
        "2031-01-31T10:30:15+00:00 Mon, 03 Feb 2031 09:30:15 +0000"
    )


def test_directories_queries_and_unknown_paths(client: httpx.Client) -> None:
    index = client.get(NEWSROOM)
    assert index.status_code == 200 and "<h1>Newsroom</h1>" in index.text
    bare = client.get("/tradewatch/news")
    assert bare.status_code == 301 and bare.headers["location"] == "/tradewatch/news/"
    tracked = client.get("/metro/news/transatlantic-steel-talks-back-on.html?utm_source=rss#x")
    assert tracked.status_code == 200
    assert client.head("/wirepoint/rss.xml").status_code == 200
    for missing in ("/nope.html", "/wirepoint/", "/briefbot.toml", "/wirepoint/most-read/0"):
        assert client.get(missing).status_code == 404, missing


def address(server: DemoServer) -> tuple[str, int]:
    parts = urlsplit(server.base_url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def raw_get(server: DemoServer, path: str) -> int:
    """GET a path exactly as written (httpx would normalise the dot segments away)."""
    conn = http.client.HTTPConnection(*address(server), timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def test_nothing_outside_the_root_is_served(tmp_path: Path) -> None:
    root = tmp_path / "data"
    (root / "site").mkdir(parents=True)
    (root / "site" / "page.html").write_text("<p>{base}</p>")
    (tmp_path / "secret.html").write_text("secret")
    (root / "site" / "link.html").symlink_to(tmp_path / "secret.html")
    with DemoServer(root, now=lambda: NOW) as demo:
        assert raw_get(demo, "/site/page.html") == 200
        for attack in (
            "/../secret.html",
            "/site/../../secret.html",
            "/%2e%2e/secret.html",
            "/%2E%2E%2Fsecret.html",
            "/site/%2e%2e/%2e%2e/secret.html",
            "/..%2fsecret.html",
            "/site/link.html",
            "/../pyproject.toml",
            "/%2e%2e/%2e%2e/pyproject.toml",
            "/site/page.html%00.txt",
            "/" + "a" * 5000 + ".html",
        ):
            assert raw_get(demo, attack) == 404, attack


def test_serving_is_quiet(server: DemoServer, capfd: pytest.CaptureFixture[str]) -> None:
    for path in ("/wirepoint/rss.xml", "/nope.html", "/../pyproject.toml"):
        raw_get(server, path)
    with socket.create_connection(address(server)) as sock:
        sock.sendall(b"GET /wirepoint/rss.xml HTTP/1.0\r\n\r\n")  # and hang up unread
    time.sleep(0.2)
    assert capfd.readouterr().err == ""


def test_stop_is_prompt_idempotent_and_safe_before_start() -> None:
    unstarted = DemoServer(now=lambda: NOW)
    unstarted.stop()  # must not block waiting for a loop that never ran
    demo = DemoServer(now=lambda: NOW)
    demo.start()
    assert demo._thread.daemon  # the demo must never keep the process alive
    assert httpx.get(demo.base_url + FEEDS[0]).status_code == 200
    started = time.monotonic()
    demo.stop()
    demo.stop()
    assert time.monotonic() - started < 2
    with pytest.raises(httpx.ConnectError):
        httpx.get(demo.base_url + FEEDS[0], timeout=2)


# ----------------------------------------------------------------------------- content


@pytest.fixture(scope="module")
def fresh() -> Iterator[tuple[httpx.Client, datetime]]:
    """A server on the real clock: trafilatura refuses dates later than today."""
    now = datetime.now(UTC)
    with DemoServer(now=lambda: now) as demo, httpx.Client(base_url=demo.base_url) as c:
        yield c, now


@pytest.mark.parametrize("path", article_pages(), ids=lambda p: p.relative_to(DATA).as_posix())
def test_every_article_extracts_cleanly(fresh: tuple[httpx.Client, datetime], path: Path) -> None:
    client, now = fresh
    page = client.get(url_path(path)).text
    doc = extract(page)
    h1 = lxml_html.fromstring(page).xpath("string(//h1)").strip()
    assert doc.title == h1 == meta(page, "og:title")
    assert doc.author == meta(page, "author")
    assert doc.sitename == meta(page, "og:site_name")
    assert doc.date == (now - declared_offset(path)).date().isoformat()
    text = doc.text or ""
    words = len(text.split())
    assert 150 <= words <= 650, words
    for furniture in ("Most read", "All rights reserved", "cookies", "Sign up", "Comments ("):
        assert furniture not in text, furniture


def test_press_releases_are_plain_local_files() -> None:
    press = sorted((DATA / "press").iterdir())
    assert {p.suffix for p in press} == {".txt", ".html"}
    for path in press:
        text = path.read_text(encoding="utf-8")
        assert "{" not in text  # read from disk by the folder source: no placeholders
        assert len(text.split()) >= 250


def extracted(client: httpx.Client, path: str) -> str:
    return extract(client.get(path).text).text or ""


def shingles(text: str, k: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def test_wire_story_is_syndicated_with_small_differences(client: httpx.Client) -> None:
    original = "/wirepoint/2026/11/steel-talks-resume.html"
    copies = [
        "/harbour-ledger/business/steel-talks-restart-as-deadline-looms.html",
        "/metro/news/transatlantic-steel-talks-back-on.html",
        "/continental/2026/11/eu-us-steel-negotiations-wire.html",
    ]
    base = shingles(extracted(client, original))
    texts = [extracted(client, c) for c in copies]
    for copy, text in zip(copies, texts, strict=True):
        theirs = shingles(text)
        assert len(base & theirs) / len(base | theirs) >= 0.7, copy
        assert text != extracted(client, original)
    sites = {meta(client.get(p).text, "og:site_name") for p in [original, *copies]}
    titles = {meta(client.get(p).text, "og:title") for p in [original, *copies]}
    assert len(sites) == len(titles) == 4
    assert '"' in texts[1] and "“" not in texts[1]  # Metro uses straight quotes
    assert any(t.rstrip().endswith("Editing by Tom Hale") for t in texts)
    assert texts[2].startswith("(Wirepoint) —")


def test_off_topic_items_share_a_feed_with_news(client: httpx.Client) -> None:
    must_not = load_config()["topics"][0]["query"]["must_not"]
    entries = feedparser.parse(client.get("/harbour-ledger/rss.xml").content).entries
    off = [e for e in entries if "/sport/" in e.link or "/life/" in e.link]
    assert len(off) == 2 and len(entries) > 2
    for entry in off:
        text = extracted(client, urlsplit(entry.link).path).lower()
        assert any(term in text for term in must_not), entry.link
        assert len(text.split()) >= 250


def test_a_tracked_link_duplicates_one_listed_plainly(client: httpx.Client) -> None:
    links = listed_links(client)
    every = [u for urls in links.values() for u in urls]
    tracked = [u for u in every if "utm_source=rss" in u]
    assert tracked
    for url in tracked:
        plain = url.split("?", 1)[0]
        assert plain in every


# ----------------------------------------------------------------------------- config


def test_config_names_only_sources_that_exist() -> None:
    config = load_config()
    (topic,) = config["topics"]
    assert re.fullmatch(r"[a-z0-9-]+", topic["name"])
    kinds = {s["kind"] for s in topic["sources"]}
    assert kinds == {"feed", "page", "sitemap", "folder"}
    for source in topic["sources"]:
        if source["kind"] == "folder":
            folder = DATA / source["path"]
            assert folder.is_dir() and any(folder.iterdir()), folder
            continue
        url = source["url"]
        assert url.startswith("{base}/"), url
        target = DATA / url.removeprefix("{base}/")
        if url.endswith("/"):
            target = target / "index.html"
        assert target.is_file(), url
    assert topic["channels"][0]["platform"] == "slack"


def test_config_loads_through_briefbot_with_a_base_filled_in() -> None:
    text = (DATA / "briefbot.toml").read_text(encoding="utf-8")
    config = parse_config(
        text.replace("{base}", "http://127.0.0.1:8"), origin="demo", base_dir=DATA
    )
    (topic,) = config.topics
    assert len(topic.sources) == 6
