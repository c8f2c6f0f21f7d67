"""The LLM summariser: key points and quotes from a language model, held to the same rules as
the offline summariser, with the offline summariser as its fallback.

The model never sees a whole article: it gets the article's shortlist (`shortlist.py`: the
best sentences by the offline ranking, with their ids, and the quotations the parse found,
numbered, with the parse's speakers), as delimited, untrusted data under a short system
prompt. Short articles go five to a request; the replies are mapped back by article number,
and an article the batch reply leaves out or garbles is asked again on its own. A reply must
be JSON matching a schema (validated with pydantic; one retry that quotes the validation
error).

What the model writes is checked, never trusted:
- a key point must cite sentences it was shown and pass the grounding check
  (`bot/text/grounding.py`: its figures, names and links are in them, its words are
  supported, it gives the reader no instruction), so an instruction hidden in an article
  cannot put its own text into a briefing; the article's own sentences stand in for a refused
  point;
- a quote is one of the numbered candidates (by number, or by copying its words), shown with
  the parse's text and speaker; an unknown number is dropped, and so is a pick that names
  someone other than the speaker the parse found (the model is confused about which quotation
  it means). A speaker the model offers for an unattributed quotation is ignored.
When the model fails, the article's offline summary is used and marked degraded.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from bot.errors import LLMError, LLMOutputError
from bot.llm import LLM, Completion, Message
from bot.llm.prompts import Prompt, load_prompt, untrusted
from bot.llm.usage import UsageLog
from bot.models import KeyPoint, Quote, Summary
from bot.summarise.offline import OfflineSummariser
from bot.summarise.shortlist import Shortlist, shortlist
from bot.summarise.speakers import same_person
from bot.summarise.verify import verify_quotes
from bot.text.grounding import grounded
from bot.text.match import found_words, quote_needle

log = logging.getLogger(__name__)

BATCH_SIZE = 5
# An article whose shortlist is at most this long (characters) shares a request with others;
# a longer one goes alone, so one garbled reply never costs more than one long article.
SHORT = 3_000


class _Point(BaseModel):
    text: str = Field(min_length=1, max_length=600)
    sentence_ids: list[int] = Field(default_factory=list)


class _Pick(BaseModel):
    """A quotation the model chose: its number (asked for), or its words (tolerated)."""

    id: int | None = None
    text: str | None = Field(default=None, max_length=2000)
    speaker: str | None = None


class ArticleSummaryReply(BaseModel):
    """The JSON a model must return for one article."""

    key_points: list[_Point] = Field(min_length=1, max_length=8)
    quotes: list[_Pick] = Field(default_factory=list, max_length=20)


class _BatchItem(ArticleSummaryReply):
    article: int


class _BatchReply(BaseModel):
    # Items are validated one by one: one garbled article does not sink the others.
    articles: list[Any]


# What is sent: only what the model is asked to write (a schema is prompt tokens too).
_POINTS: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "maxItems": 6,
    "items": {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "sentence_ids": {"type": "array", "items": {"type": "integer"}},
        },
        "required": ["text", "sentence_ids"],
    },
}
_QUOTES: dict[str, Any] = {
    "type": "array",
    "maxItems": 4,
    "items": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"key_points": _POINTS, "quotes": _QUOTES},
    "required": ["key_points", "quotes"],
}
BATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "articles": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"article": {"type": "integer"}, **SCHEMA["properties"]},
                "required": ["article", "key_points", "quotes"],
            },
        }
    },
    "required": ["articles"],
}
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")


def parse_reply(text: str) -> ArticleSummaryReply:
    """Validate a model's reply for one article (tolerating a Markdown code fence)."""
    return ArticleSummaryReply.model_validate_json(_FENCE.sub("", text))


def parse_batch(text: str, count: int) -> dict[int, ArticleSummaryReply]:
    """The valid per-article replies of a batch reply, by article number (1..count); an
    article missing, repeated or invalid is left out. Raises ValidationError if the reply as
    a whole is not a batch."""
    replies: dict[int, ArticleSummaryReply] = {}
    repeated: set[int] = set()
    for item in _BatchReply.model_validate_json(_FENCE.sub("", text)).articles:
        try:
            one = _BatchItem.model_validate(item)
        except ValidationError:
            continue
        if not 1 <= one.article <= count:
            continue
        if one.article in replies:
            repeated.add(one.article)
        replies[one.article] = ArticleSummaryReply(key_points=one.key_points, quotes=one.quotes)
    return {n: r for n, r in replies.items() if n not in repeated}


def render_batch(shortlists: Sequence[Shortlist]) -> str:
    """Several articles, numbered outside their delimiters (an article cannot renumber)."""
    return "\n\n".join(
        f"Article {n}:\n{untrusted(s.render())}" for n, s in enumerate(shortlists, 1)
    )


class LLMSummariser:
    """A Summariser backed by an LLM, falling back to the offline summariser."""

    def __init__(
        self,
        llm: LLM,
        *,
        usage: UsageLog | None = None,
        prompt: Prompt | None = None,
        fallback: OfflineSummariser | None = None,
        batch_size: int = BATCH_SIZE,
        concurrency: int = 4,
    ) -> None:
        self.llm = llm
        self.usage = usage
        self.prompt = prompt or load_prompt("summarise_article")
        self.fallback = fallback or OfflineSummariser()
        self.cpu = self.fallback.cpu
        self.name = f"llm:{llm.model}"
        self.prompt_version = self.prompt.id
        self.batch_size = max(batch_size, 1)
        self._slots = asyncio.Semaphore(max(concurrency, 1))

    async def summarise(self, *, title: str, text: str) -> Summary:
        """One article's summary (one request, or none if the model is down)."""
        return (await self.summarise_many([(title, text)]))[0]

    async def summarise_many(
        self,
        articles: Sequence[tuple[str, str]],
        offline: Sequence[Summary | None] = (),
    ) -> list[Summary]:
        """Summaries of several (title, text) articles, in order; short ones batched.
        `offline` may give their offline summaries (from the store), saving a parse each."""
        known = [*offline, *[None] * (len(articles) - len(offline))]
        lists = await asyncio.gather(
            *(self.cpu.run(shortlist, t, x, o) for (t, x), o in zip(articles, known, strict=True))
        )
        texts = [text for _, text in articles]
        batches: list[list[int]] = []
        short: list[int] = []
        for i, s in enumerate(lists):
            if len(s.render()) <= SHORT and self.batch_size > 1:
                short.append(i)
            else:
                batches.append([i])
        batches += [short[k : k + self.batch_size] for k in range(0, len(short), self.batch_size)]
        out: dict[int, Summary] = {}

        async def run(batch: list[int]) -> None:
            done = await self._batch([lists[i] for i in batch], [texts[i] for i in batch])
            out.update(zip(batch, done, strict=True))

        await asyncio.gather(*(run(b) for b in batches))
        return [out[i] for i in range(len(lists))]

    async def _batch(self, lists: list[Shortlist], texts: list[str]) -> list[Summary]:
        if len(lists) == 1:
            return [await self._one(lists[0], texts[0])]
        messages = self.prompt.render(articles=render_batch(lists))
        try:
            completion = await self._complete(messages, BATCH_SCHEMA, "article_summaries")
        except LLMError as exc:
            log.warning("summarising offline: %s", exc.reason)
            return [replace(s.offline, degraded=True) for s in lists]
        try:
            replies = parse_batch(completion.text, len(lists))
        except ValidationError:
            replies = {}
        got = len(replies)
        if got < len(lists):
            log.info(
                "a batch reply covered %d of %d articles: asking for the rest", got, len(lists)
            )
        # The call's tokens shared among the articles it summarised.
        share = (
            completion.prompt_tokens // max(got, 1),
            completion.completion_tokens // max(got, 1),
        )

        async def each(n: int, s: Shortlist, text: str) -> Summary:
            reply = replies.get(n)
            if reply is None:
                return await self._one(s, text)
            return self._checked(reply, share, s, text)

        return list(
            await asyncio.gather(
                *(each(n, s, t) for n, (s, t) in enumerate(zip(lists, texts, strict=True), 1))
            )
        )

    async def _one(self, s: Shortlist, text: str) -> Summary:
        messages = self.prompt.render(articles=untrusted(s.render()))
        try:
            reply, tokens = await self._ask(messages)
        except LLMError as exc:
            log.warning("summarising offline: %s", exc.reason)
            return replace(s.offline, degraded=True)
        return self._checked(reply, tokens, s, text)

    async def _complete(
        self, messages: list[Message], schema: dict[str, Any], name: str
    ) -> Completion:
        completion: Completion | None = None
        try:
            async with self._slots:
                completion = await self.llm.complete(messages, schema=schema, schema_name=name)
        finally:
            if self.usage is not None:
                await self.usage.record("summary", self.prompt.id, self.llm.model, completion)
        return completion

    async def _ask(self, messages: list[Message]) -> tuple[ArticleSummaryReply, tuple[int, int]]:
        prompt_tokens = completion_tokens = 0
        for attempt in (1, 2):
            completion = await self._complete(messages, SCHEMA, "article_summary")
            prompt_tokens += completion.prompt_tokens
            completion_tokens += completion.completion_tokens
            try:
                return parse_reply(completion.text), (prompt_tokens, completion_tokens)
            except ValidationError as exc:
                if attempt == 2:
                    raise LLMOutputError(
                        "the language model's answer did not match the schema"
                    ) from None
                problem = "; ".join(
                    f"{'.'.join(map(str, e['loc'])) or 'document'}: {e['msg']}"
                    for e in exc.errors()[:5]
                )
                messages = [
                    *messages,
                    Message("assistant", completion.text[:4000]),
                    Message(
                        "user",
                        f"That answer is not valid: {problem}. Reply again with only the JSON "
                        "document the schema asks for.",
                    ),
                ]
        raise AssertionError("unreachable")

    def _checked(
        self, reply: ArticleSummaryReply, tokens: tuple[int, int], s: Shortlist, text: str
    ) -> Summary:
        by_id = {sentence.id: sentence for sentence in s.sentences}  # only what it was shown
        points: list[KeyPoint] = []
        refused = 0
        for point in reply.key_points:
            ids = tuple(dict.fromkeys(i for i in point.sentence_ids if i in by_id))
            cleaned = " ".join(point.text.split())
            check = grounded(cleaned, [by_id[i].text for i in ids])
            if check.ok:
                points.append(KeyPoint(cleaned, ids))
            else:
                refused += 1
                log.info("dropped a key point the article does not ground: %s", check.reason)
        if refused or not points:  # the article's own sentences stand in for what was dropped
            have = {i for p in points for i in p.sentence_ids}
            extra = [p for p in s.offline.key_points if not have.intersection(p.sentence_ids)]
            points += extra if not points else extra[:refused]
        chosen: list[Quote] = []
        dropped = 0
        for pick in reply.quotes:
            quote = _candidate(pick, s.quotes)
            if quote is None:
                dropped += 1
                log.info("dropped a quote that is not one of the article's quotations")
            elif pick.speaker and quote.speaker and not same_person(pick.speaker, quote.speaker):
                dropped += 1
                log.info("dropped a quote the model gave to someone the parse did not find")
            elif quote not in chosen:
                chosen.append(quote)
        # Candidates are verified already; the check stays, whoever produced the quote.
        quotes, unverified = verify_quotes(chosen, text)
        dropped += unverified
        return Summary(
            key_points=tuple(points[:6]),
            quotes=tuple(quotes),
            summariser=self.name,
            prompt_version=self.prompt_version,
            dropped_quotes=dropped,
            prompt_tokens=tokens[0],
            completion_tokens=tokens[1],
            dropped_points=refused,
        )


def _candidate(pick: _Pick, candidates: Sequence[Quote]) -> Quote | None:
    """The candidate quotation a pick means: by its number, else by its words (at least
    three of them, found whole in the candidate or the candidate whole in them)."""
    if pick.id is not None:
        return candidates[pick.id - 1] if 1 <= pick.id <= len(candidates) else None
    needle = quote_needle(pick.text or "").rstrip(" …").rstrip(".")
    if len(needle.split()) < 3:
        return None
    for quote in candidates:
        known = quote_needle(quote.text)
        if found_words(needle, known) or found_words(known.rstrip("."), needle):
            return quote
    return None


__all__ = ["BATCH_SCHEMA", "SCHEMA", "LLMSummariser", "parse_batch", "parse_reply"]
