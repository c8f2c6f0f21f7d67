"""The entity guard reads the document as its parser would (BOM, UTF-16/32, the declared
encoding) and looks at the whole prolog; control characters never cost an article its text."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bot.collect.extract import extract_html
from bot.collect.sources import parse_feed, parse_page_links, parse_sitemap
from bot.collect.xmlguard import refuse_entities
from bot.errors import SourceError
from bot.text.controls import strip_controls

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
DECL = '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
ITEMS = (
    "<item><title>One&#27; two&#7; three&#12;</title><link>https://x.test/one</link></item>"
    "<item><title>Two</title><link>https://x.test/two</link></item>"
)


def rss(prolog: str = "", items: str = ITEMS, declaration: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{declaration}"?>{prolog}'
        f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
    )


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            codecs.BOM_UTF16_LE + rss(DECL, declaration="utf-16").encode("utf-16-le"),
            id="utf16-le-bom",
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + rss(DECL, declaration="utf-16").encode("utf-16-be"),
            id="utf16-be-bom",
        ),
        pytest.param(rss(DECL, declaration="utf-16").encode("utf-16-le"), id="utf16-no-bom"),
        pytest.param(rss(DECL, declaration="utf-32").encode("utf-32"), id="utf32-bom"),
        pytest.param(codecs.BOM_UTF8 + rss(DECL).encode(), id="utf8-bom"),
        pytest.param(rss(" " * 70_000 + DECL).encode(), id="padded-whitespace"),
        pytest.param(rss("<!--" + "x" * 100_000 + "-->" + DECL).encode(), id="padded-comment"),
        pytest.param(
            rss("<?pad " + "<rss>" * 20_000 + "?>" + DECL).encode(), id="padded-pi-with-tags"
        ),
        pytest.param(rss(DECL, declaration="utf-7").encode("utf-7"), id="declared-utf7"),
        pytest.param(rss(DECL, declaration="cp037").encode("cp037"), id="declared-ebcdic"),
        pytest.param(
            rss('<!DOCTYPE rss SYSTEM "<rss>" [<!ELEMENT rss ANY>]>').encode(), id="subset"
        ),
    ],
)
def test_entity_declarations_are_found_however_they_are_hidden(document: bytes) -> None:
    with pytest.raises(SourceError, match="entit"):
        refuse_entities(document)
    with pytest.raises(SourceError, match="entit"):
        parse_feed(document, "https://x.test/")
    with pytest.raises(SourceError, match="entit"):
        parse_sitemap(document)


def test_ordinary_prologs_and_entity_words_in_content_pass() -> None:
    public_dtd = (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    )
    items = (
        ITEMS + "<item><title><![CDATA[Why <!ENTITY is banned]]></title>"
        "<link>https://x.test/three</link></item>"
    )
    for doc in (rss(public_dtd, items), rss("<!-- a comment -->" + " " * 70_000, items)):
        refuse_entities(doc.encode())
        assert len(parse_feed(doc.encode(), "https://x.test/")) == 3
    utf16 = codecs.BOM_UTF16_LE + rss(declaration="utf-16").encode("utf-16-le")
    assert [c.url for c in parse_feed(utf16, "https://x.test/")] == [
        "https://x.test/one",
        "https://x.test/two",
    ]


def test_control_character_references_do_not_break_a_feed() -> None:
    [first, _] = parse_feed(rss().encode(), "https://x.test/")
    assert first.title is not None and first.title.split() == ["One", "two", "three"]


def test_control_character_references_do_not_break_a_sitemap() -> None:
    sitemap = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://x.test/a&#27;</loc></url><url><loc>https://x.test/b</loc></url>"
        b"</urlset>"
    )
    candidates, _ = parse_sitemap(sitemap)
    assert len(candidates) == 2


@pytest.mark.parametrize("bad", [b"&#27;", b"&#7;", b"&#12;", b"&#x1F;", b"&#0;", b"\x07", b"\x1b"])
def test_control_characters_anywhere_in_a_page_keep_its_text(bad: bytes) -> None:
    page = (PAGES / "unions.html").read_bytes()
    clean = extract_html(page, "https://x.test/a")
    for dirty in (page.replace(b"<p>", b"<p>" + bad), bad + page):
        assert extract_html(dirty, "https://x.test/a").text == clean.text
    utf16 = page.replace(b"<p>", b"<p>" + bad).decode().encode("utf-16")
    assert extract_html(utf16, "https://x.test/a").text == clean.text


def test_page_links_survive_control_characters() -> None:
    page = b'<html><body>&#27;<a href="/2026/11/steel-talks-resume">x&#7;</a></body></html>'
    [link] = parse_page_links(page, "https://x.test/news", None)
    assert link.url == "https://x.test/2026/11/steel-talks-resume"


def test_strip_controls_keeps_text_whitespace_and_valid_references() -> None:
    text = "a&#9;b&#10;c&#x41;&#233;\tx\ny\rz&#27;\x1b&#xD800;&#99999999999;&amp;"
    assert strip_controls(text) == "a&#9;b&#10;c&#x41;&#233;\tx\ny\rz   " + " &amp;"
    assert strip_controls(text.encode()) == strip_controls(text).encode()
