"""Source parsing (pure): feeds of every common shape and the hostile ones, pages, sitemaps,
news search results and folders."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.collect.sources import (
    list_folder,
    parse_feed,
    parse_gdelt,
    parse_page_links,
    parse_sitemap,
)
from bot.errors import SourceError

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss2_links_are_absolute_dated_and_newest_first() -> None:
    got = parse_feed(feed("rss2.xml"), "https://wirepoint.test/feed")
    assert [c.url for c in got] == [
        "https://wirepoint.test/2026/11/24/aluminium-quota",  # 09:15 +0100 is 08:15 UTC
        "https://wirepoint.test/2026/11/24/steel-talks-resume?utm_source=rss&utm_medium=feed",
    ]
    assert got[1].published_at == datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
    assert got[0].title == "Aluminium quota deal “within reach”"


def test_atom_entries() -> None:
    got = parse_feed(feed("atom.xml"), "https://continental.test/atom")
    assert [c.url for c in got] == [
        "https://continental.test/news/unions-warn",
        "https://continental.test/news/older",
    ]


def test_broken_xml_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="not a valid RSS or Atom feed"):
        parse_feed(feed("broken.xml"), "https://x.test/")


def test_entity_bomb_is_refused_without_expanding() -> None:
    with pytest.raises(SourceError, match="entity"):
        parse_feed(feed("entity-bomb.xml"), "https://x.test/")
    with pytest.raises(SourceError, match="entity"):
        parse_sitemap(feed("entity-bomb.xml"))


def test_wrong_declared_encoding_still_yields_entries() -> None:
    got = parse_feed(feed("wrong-encoding.xml"), "https://latin.test/")
    assert [c.url for c in got] == ["https://latin.test/acier"]


def test_latin1_feed_decodes_titles() -> None:
    got = parse_feed(feed("latin1.xml"), "https://latin.test/")
    assert got[0].title == "Négociations sur l'acier"


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(SourceError):
        parse_feed(b"<html><body><p>hello</p></body></html>", "https://x.test/")


PAGE = b"""<html><body>
<nav><a href="/">Home</a><a href="/about">About</a><a href="https://other.test/2026/11/24/x">Elsewhere</a></nav>
<ul>
<li><a href="/news/2026/11/24/steel-talks-resume">Steel talks resume</a></li>
<li><a href="https://www.trade.test/news/2026/11/23/unions-warn-of-job-losses#c">
Unions warn</a></li>
<li><a href="/news/2026/11/24/steel-talks-resume">Duplicate link</a></li>
<li><a href="mailto:desk@trade.test">Mail us</a></li>
<li><a href="/opinion/why-tariffs-fail-and-what-comes-next">Opinion</a></li>
</ul></body></html>"""


def test_page_links_same_site_article_like_and_deduped() -> None:
    got = parse_page_links(PAGE, "https://trade.test/news/", None)
    assert [c.url for c in got] == [
        "https://trade.test/news/2026/11/24/steel-talks-resume",
        "https://www.trade.test/news/2026/11/23/unions-warn-of-job-losses",
        "https://trade.test/opinion/why-tariffs-fail-and-what-comes-next",
    ]
    assert got[0].title == "Steel talks resume"


def test_page_link_pattern_filters() -> None:
    got = parse_page_links(PAGE, "https://trade.test/news/", r"/news/20")
    assert len(got) == 2


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://ct.test/a</loc><lastmod>2026-11-24T09:00:00Z</lastmod>
    <news:news><news:title>Steel deal near</news:title></news:news></url>
  <url><loc>https://ct.test/b</loc><lastmod>2026-11-20</lastmod></url>
</urlset>"""


def test_sitemap_urls_with_dates_and_news_titles() -> None:
    got, children = parse_sitemap(SITEMAP)
    assert children == []
    assert [c.url for c in got] == ["https://ct.test/a", "https://ct.test/b"]
    assert got[0].title == "Steel deal near"
    assert got[0].published_at == datetime(2026, 11, 24, 9, tzinfo=UTC)


def test_sitemap_index_lists_children() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://ct.test/s1.xml</loc><lastmod>2026-11-20</lastmod></sitemap>
      <sitemap><loc>https://ct.test/s2.xml</loc><lastmod>2026-11-24</lastmod></sitemap>
    </sitemapindex>"""
    got, children = parse_sitemap(index)
    assert got == [] and children == ["https://ct.test/s2.xml", "https://ct.test/s1.xml"]


def test_sitemap_garbage_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="sitemap"):
        parse_sitemap(b"<html><body>nope")
    with pytest.raises(SourceError, match="not a sitemap"):
        parse_sitemap(b"<rss version='2.0'/>")


def test_gdelt_results() -> None:
    body = (
        b'{"articles": [{"url": "https://a.test/x", "title": "Steel", '
        b'"seendate": "20261124T101500Z", "domain": "a.test"}, {"title": "no url"}]}'
    )
    got = parse_gdelt(body)
    assert [(c.url, c.published_at) for c in got] == [
        ("https://a.test/x", datetime(2026, 11, 24, 10, 15, tzinfo=UTC))
    ]
    assert parse_gdelt(b"") == []
    with pytest.raises(SourceError, match="JSON"):
        parse_gdelt(b"<html>rate limited</html>")


def test_folder_lists_article_files_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nBody")
    (tmp_path / "b.html").write_text("<html></html>")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    got = list_folder(tmp_path)
    assert sorted(Path(c.url).name for c in got) == ["a.txt", "b.html"]
    with pytest.raises(SourceError, match="does not exist"):
        list_folder(tmp_path / "missing")
