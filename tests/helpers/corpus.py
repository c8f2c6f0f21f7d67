"""A corpus of 30 articles over five days (the test articles, the test pages and the bundled
demo story), stored through the real store with relevance decided by the demo's query."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from bot.collect import relevance
from bot.collect.extract import extract_html, extract_text
from bot.demo.server import data_dir, render
from bot.models import ExtractedArticle
from bot.store import Store
from bot.store.articles import NewArticle
from tests.helpers.clock import Clock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
QUERY = relevance.Query(
    may=("steel", "aluminium", "tariff", "trade talks", "Kovalenko", "Whitcombe"),
    must_not=("football", "recipe"),
)


async def _add(store: Store, article: ExtractedArticle, clock: Clock, age: timedelta) -> None:
    rel = relevance.score(QUERY, article.title, article.text)
    when = clock.now() - age
    await store.articles.add_article(
        NewArticle(
            topic="eu-us-steel",
            url=article.url,
            canonical_url=article.url,
            source="corpus",
            title=article.title,
            text=article.text,
            fetched_at=when,
            content_hash=hashlib.sha256(article.url.encode()).hexdigest(),
            signature="",
            terms=(),
            relevance=rel.score,
            relevant=rel.relevant,
            relevance_reason=rel.reason,
            story_id=None,
            duplicate_of=None,
            site_name=article.site_name,
            published_at=article.published_at or when,
        ),
        new_story=rel.relevant,
    )


async def add_corpus(store: Store, clock: Clock) -> Store:
    """Store the 30 articles, fetched days to hours before the clock's now."""
    count = 0
    for path in sorted((FIXTURES / "articles").glob("*.txt")):
        a = extract_text(path.read_text(encoding="utf-8"), f"https://fixtures.test/{path.stem}")
        await _add(store, a, clock, timedelta(days=4, hours=count))
        count += 1
    for path in sorted((FIXTURES / "pages").glob("*.html")):
        a = extract_html(path.read_bytes(), f"https://pages.test/{path.stem}")
        a = ExtractedArticle(a.url, a.title, a.text, a.author, None, a.site_name)
        await _add(store, a, clock, timedelta(days=3, hours=count))
        count += 1
    root = data_dir()
    for path in sorted(root.rglob("*.htm*")):
        if path.name == "index.html":
            continue
        html = render(path.read_text(encoding="utf-8"), "https://demo.test", clock.now())
        a = extract_html(html.encode(), f"https://demo.test/{path.relative_to(root)}")
        await _add(store, a, clock, timedelta(hours=1))
        count += 1
    for path in sorted((root / "press").glob("*.txt")):
        a = extract_text(path.read_text(encoding="utf-8"), f"https://press.test/{path.stem}")
        await _add(store, a, clock, timedelta(hours=2))
        count += 1
    assert count >= 30
    return store
