"""The LLM summariser: key points and quotes from a language model, held to the same rules as
the offline summariser, with the offline summariser as its fallback.

The article goes to the model as delimited, numbered, untrusted data. The reply must be JSON
matching a schema (validated with pydantic; one retry that quotes the validation error). Every
quote is checked verbatim against the article and dropped if it is not there; a speaker is kept
only where the parse of the article ties it to that very quotation (`speakers.py`); a key
point must cite real sentences and pass the grounding check (`bot/text/grounding.py`: its
figures, names and links are in them, its words are supported, it gives the reader no
instruction), so an instruction hidden in an article cannot put its own text into a briefing;
the article's own sentences stand in for a refused point. When the model fails, the article is
summarised offline and the summary is marked degraded.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from pydantic import BaseModel, Field, ValidationError

from bot.errors import LLMError, LLMOutputError
from bot.llm import LLM, Completion, Message
from bot.llm.prompts import Prompt, load_prompt, untrusted
from bot.llm.usage import UsageLog
from bot.models import KeyPoint, Quote, Sentence, Summary
from bot.summarise.attribution import Attribution, attribute
from bot.summarise.offline import OfflineSummariser, summarise_text
from bot.summarise.speakers import tie_speakers
from bot.summarise.verify import normalise_for_match, verify_quotes
from bot.text.grounding import grounded
from bot.text.quotes import quoted_regions
from bot.text.sentences import split_sentences

log = logging.getLogger(__name__)


class _Point(BaseModel):
    text: str = Field(min_length=1, max_length=600)
    sentence_ids: list[int] = Field(default_factory=list)


class _Quote(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    speaker: str | None = None


class ArticleSummaryReply(BaseModel):
    """The JSON a model must return for one article."""

    key_points: list[_Point] = Field(min_length=1, max_length=8)
    quotes: list[_Quote] = Field(default_factory=list, max_length=20)


SCHEMA = ArticleSummaryReply.model_json_schema()
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")
_STOP = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been has have "
    "had it its this that these those he she they we will would said says than there which who "
    "not no also over after into about their his her".split()
)


def parse_reply(text: str) -> ArticleSummaryReply:
    """Validate a model's reply (tolerating a Markdown code fence around the JSON)."""
    return ArticleSummaryReply.model_validate_json(_FENCE.sub("", text))


class LLMSummariser:
    """A Summariser backed by an LLM, falling back to the offline summariser."""

    def __init__(
        self,
        llm: LLM,
        *,
        usage: UsageLog | None = None,
        prompt: Prompt | None = None,
        fallback: OfflineSummariser | None = None,
    ) -> None:
        self.llm = llm
        self.usage = usage
        self.prompt = prompt or load_prompt("summarise_article")
        self.fallback = fallback or OfflineSummariser()
        self.cpu = self.fallback.cpu
        self.name = f"llm:{llm.model}"
        self.prompt_version = self.prompt.id

    async def summarise(self, *, title: str, text: str) -> Summary:
        sentences = split_sentences(text)
        numbered = "\n".join(f"[{s.id}] {' '.join(s.text.split())}" for s in sentences)
        messages = self.prompt.render(article=untrusted(f"Title: {title}\n\n{numbered}"))
        try:
            reply, tokens = await self._ask(messages)
        except LLMError as exc:
            log.warning("summarising offline: %s", exc.reason)
            offline = await self.fallback.summarise(title=title, text=text)
            return replace(offline, degraded=True)
        # The parse that ties each quoted speaker to its quotation (only when there are quotes).
        parsed = await self.cpu.run(attribute, text) if reply.quotes else []
        return self._checked(reply, tokens, title, text, sentences, parsed)

    async def _ask(self, messages: list[Message]) -> tuple[ArticleSummaryReply, tuple[int, int]]:
        prompt_tokens = completion_tokens = 0
        for attempt in (1, 2):
            completion: Completion | None = None
            try:
                completion = await self.llm.complete(
                    messages, schema=SCHEMA, schema_name="article_summary"
                )
            finally:
                if self.usage is not None:
                    await self.usage.record("summary", self.prompt.id, self.llm.model, completion)
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
        self,
        reply: ArticleSummaryReply,
        tokens: tuple[int, int],
        title: str,
        text: str,
        sentences: list[Sentence],
        parsed: list[Attribution],
    ) -> Summary:
        by_id = {s.id: s for s in sentences}
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
            extra = [
                p
                for p in self._offline_points(title, text)
                if not have.intersection(p.sentence_ids)
            ]
            points += extra if not points else extra[:refused]
        # A quote must be word for word in the article *and* inside its quotation marks, so a
        # sentence of the article (an injected instruction, say) cannot pass for a quote.
        regions = [normalise_for_match(r) for r in quoted_regions(text)]
        inside = [
            Quote(q.text.strip(), (q.speaker or "").strip() or None)
            for q in reply.quotes
            if any(normalise_for_match(q.text).strip(" \"'") in r for r in regions)
        ]
        quotes, dropped = verify_quotes(tie_speakers(inside, parsed), text)
        dropped += len(reply.quotes) - len(inside)
        if dropped:
            log.info("dropped %d quote(s) not found verbatim in the article", dropped)
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

    def _offline_points(self, title: str, text: str) -> tuple[KeyPoint, ...]:
        return summarise_text(title, text).key_points


__all__ = ["SCHEMA", "LLMSummariser", "parse_reply"]
