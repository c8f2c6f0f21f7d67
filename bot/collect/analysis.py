"""The CPU side of collecting one article, as one pure function a worker process can run:
extraction (text and metadata) and the analysis every later decision needs (canonical URL,
content hash, near-duplicate sketch, story terms, relevance, passages and their embeddings).

No I/O beyond the page handed in, no clock, no state: arguments and results are plain
picklable values, so `CPU` may run it in a process pool, a thread or inline with the same
result. It decides nothing about other articles (dedupe and stories are decided in order, in
the pipeline, against what was collected before).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.collect import dedupe, relevance
from bot.collect.extract import extract_html, extract_text
from bot.models import ExtractedArticle
from bot.store.embed import embed, to_blob
from bot.store.passages import chunk_passages


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the collector decides with and the store keeps, computed once per article."""

    title: str  # the article's, else the feed's or file's
    canonical_url: str
    content_hash: str
    signature: tuple[int, ...]
    terms: frozenset[str]
    relevance: relevance.Relevance
    passages: tuple[tuple[str, bytes], ...]  # (text, float16 embedding) in order


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched or read document to extract: HTML, or plain text/Markdown."""

    url: str
    content: bytes
    html: bool
    charset: str | None = None
    fallback_title: str = ""  # the feed's or file's title, when the document has none


def analyse(query: relevance.Query, title: str, text: str, url: str) -> Analysis:
    """Every per-article value the collector and the store need, from one pass over the text.

    The text's word list (NFKC, casefolded) is built once for the content hash and the
    sketch; relevance folds the title and text once for all of the query's terms; story terms
    need the original casing (names), so they read the tokens themselves.
    """
    words = dedupe.words(text)
    chunks = chunk_passages(text)
    vectors = embed([f"{title}. {chunk}" for chunk in chunks])
    return Analysis(
        title=title,
        canonical_url=dedupe.canonical_url(url),
        content_hash=dedupe.content_hash_of(words),
        signature=dedupe.signature_of(words),
        terms=dedupe.story_terms(title, text),
        relevance=relevance.score(query, title, text),
        passages=tuple((c, to_blob(v)) for c, v in zip(chunks, vectors, strict=True)),
    )


def extract_page(page: Page) -> ExtractedArticle:
    """A page's article (raises `ExtractError` like the extractors)."""
    if page.html:
        return extract_html(page.content, page.url)
    try:
        text = page.content.decode(page.charset or "utf-8", errors="replace")
    except LookupError:  # an unknown charset
        text = page.content.decode("utf-8", errors="replace")
    return extract_text(text, page.url, fallback_title=page.fallback_title)


def analyse_page(page: Page, article: ExtractedArticle, query: relevance.Query) -> Analysis:
    """`analyse` of a page's extracted article: its title, else the feed's or file's."""
    return analyse(query, article.title or page.fallback_title, article.text, article.url)


def extract_and_analyse(page: Page, query: relevance.Query) -> tuple[ExtractedArticle, Analysis]:
    """Extract a page's article, then analyse it (raises `ExtractError` like the extractors;
    the title analysed is the article's, else the feed's)."""
    article = extract_page(page)
    return article, analyse_page(page, article, query)
