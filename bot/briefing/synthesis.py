"""Briefing synthesis with an LLM: the reduce step over stored per-article summaries.

The composed (extractive) briefing goes in, story by story, as already-cited points within a
token budget; the model writes one headline per story and names its citations. A headline is
kept only if its citations belong to that story and it passes the grounding check against the
points it cites; otherwise the extractive headline stays and the briefing is marked partly
degraded. Full article texts never go in, so
syndicated copies cost nothing. If the model fails, the extractive briefing is returned,
marked degraded; a briefing is never skipped because the LLM is down.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from bot.errors import LLMError
from bot.llm import LLM, Completion
from bot.llm.prompts import Prompt, load_prompt, untrusted
from bot.llm.usage import UsageLog
from bot.models import Briefing, BriefingPoint, BriefingStory
from bot.text.grounding import grounded

log = logging.getLogger(__name__)


class _Headline(BaseModel):
    story: int
    headline: str = Field(min_length=1, max_length=400)
    citations: list[int] = Field(default_factory=list)


class BriefingReply(BaseModel):
    stories: list[_Headline] = Field(default_factory=list)


SCHEMA = BriefingReply.model_json_schema()


def estimate_tokens(text: str) -> int:
    """Roughly one token per four characters (used only to keep within the budget)."""
    return max(1, (len(text) + 3) // 4)


def _cites(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def story_blocks(briefing: Briefing, budget: int) -> list[str]:
    """The stories as numbered blocks of cited points, as many as fit in the budget."""
    blocks: list[str] = []
    used = 0
    for number, story in enumerate(briefing.stories, 1):
        lines = [f"Story {number}:"]
        new = {p.text for p in briefing.new_developments}
        lines += [
            f"- {p.text} {_cites(p.citations)}"
            + (" (new since the last briefing)" if p.text in new else "")
            for p in (story.headline, *story.points)
        ]
        block = "\n".join(lines)
        cost = estimate_tokens(block)
        if used + cost > budget:
            break
        blocks.append(block)
        used += cost
    return blocks


class BriefingSynthesiser:
    """Rewrites each story's headline with the LLM, within a token budget."""

    def __init__(
        self,
        llm: LLM,
        *,
        usage: UsageLog | None = None,
        token_budget: int = 6000,
        prompt: Prompt | None = None,
    ) -> None:
        self.llm = llm
        self.usage = usage
        self.budget = token_budget
        self.prompt = prompt or load_prompt("compose_briefing")

    def key(self, briefing: Briefing) -> str:
        """Identifies the synthesis input, so an unchanged briefing is not synthesised twice."""
        blocks = "\n\n".join(story_blocks(briefing, self.budget))
        raw = f"{self.prompt.id}|{self.llm.model}|{blocks}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    async def synthesise(
        self, briefing: Briefing, *, reuse: dict[str, Any] | None = None
    ) -> Briefing:
        """The briefing with model-written headlines (or unchanged and marked degraded)."""
        blocks = story_blocks(briefing, self.budget)
        if not blocks:
            return briefing
        if reuse is not None:
            return self._apply(briefing, BriefingReply.model_validate(reuse))
        messages = self.prompt.render(
            topic=briefing.title, stories=untrusted("\n\n".join(blocks), "stories")
        )
        completion: Completion | None = None
        try:
            completion = await self.llm.complete(
                messages, schema=SCHEMA, schema_name="briefing_headlines"
            )
            reply = BriefingReply.model_validate_json(completion.text.strip().strip("`"))
        except (LLMError, ValidationError) as exc:
            reason = exc.reason if isinstance(exc, LLMError) else "invalid JSON"
            log.warning("briefing kept extractive: %s", reason)
            return replace(briefing, degraded=True)
        finally:
            if self.usage is not None:
                await self.usage.record("briefing", self.prompt.id, self.llm.model, completion)
        return self._apply(briefing, reply)

    def _apply(self, briefing: Briefing, reply: BriefingReply) -> Briefing:
        by_number = {h.story: h for h in reply.stories}
        stories: list[BriefingStory] = []
        refused = 0
        for number, story in enumerate(briefing.stories, 1):
            written = by_number.get(number)
            points = (story.headline, *story.points)
            cited = tuple(sorted(set(written.citations))) if written else ()
            sources = [p.text for p in points if set(p.citations) & set(cited)]
            if written is None or not cited or not set(cited) <= set(story.citations):
                stories.append(story)
                continue
            check = grounded(written.headline, sources)
            if not check.ok:
                log.info("kept the extractive headline: %s", check.reason)
                refused += 1
                stories.append(story)
                continue
            headline = BriefingPoint(" ".join(written.headline.split()), cited)
            stories.append(replace(story, headline=headline, points=points[:2]))
        # A headline the cited points do not ground is replaced by the extractive one, and the
        # briefing says it is partly degraded, as when the model is down.
        return replace(briefing, stories=tuple(stories), degraded=briefing.degraded or refused > 0)


def reply_payload(briefing_before: Briefing, briefing_after: Briefing) -> dict[str, Any]:
    """What to store so that an unchanged briefing reuses its headlines the same day."""
    return {
        "stories": [
            {
                "story": n,
                "headline": after.headline.text,
                "citations": list(after.headline.citations),
            }
            for n, (before, after) in enumerate(
                zip(briefing_before.stories, briefing_after.stories, strict=True), 1
            )
            if before.headline != after.headline
        ]
    }
