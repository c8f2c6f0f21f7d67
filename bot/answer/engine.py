"""Grounded answers: retrieve passages of the collected articles, answer from them with
citations, and say plainly when the coverage does not answer.

Retrieval is full-text (BM25 over overlapping passages, titles weighted up), filtered by topic
and by the time range the question names, with a preference for recent passages when it asks
for the latest. A question is answered only when its passages cover enough of its terms;
otherwise the answer is a refusal that lists the closest articles. Offline the answer is
extractive (the best-matching sentences, cited); with an LLM it is written by the model from
the numbered passages only, its citations are checked, and any quote in it must be verbatim.
A conversation id keeps the turns, so follow-ups ("what did he say after that?") work.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from bot.answer.asked import read_with_parse
from bot.answer.casing import candidates, recased
from bot.answer.changed import asks_what_changed, developments, opening_article
from bot.answer.descriptors import descriptor_in, firm_described, named, search_words
from bot.answer.evidence import Evidence, evidence, same_sentence
from bot.answer.followup import resolve, unresolved
from bot.answer.quotes import (
    SPEECH_VERBS,
    FoundQuote,
    QuoteFinder,
    person_of,
    who_said,
    words_asked,
)
from bot.answer.rerank import Reranker
from bot.answer.sayings import lead_in, paragraph_around, whole_quotes
from bot.answer.seats import acting_seats
from bot.answer.sentences import read_question, stem, stems
from bot.answer.terms import content_terms, coverage, enough, named_terms
from bot.answer.when import Scope, scope_of
from bot.errors import LLMError
from bot.llm import LLM, Completion
from bot.llm.prompts import Prompt, load_prompt, untrusted
from bot.llm.usage import UsageLog
from bot.models import SourceRef
from bot.store.articles import Articles
from bot.store.chat import Conversations, Turn
from bot.store.deliveries import Deliveries
from bot.store.embed import embed
from bot.store.search import PassageHit, PassageSearch
from bot.text.grounding import grounded
from bot.text.match import is_verbatim
from bot.text.quotes import quoted_regions
from bot.text.sentences import split_sentences

log = logging.getLogger(__name__)

_NAME = re.compile(r"\b[A-Z][a-zà-ÿ'’-]+(?:\s+[A-Z][a-zà-ÿ'’-]+)+\b")
# Words of a "who said" question that only say it asks for someone's words or when.
_SAY_STEMS = {stem(w) for w in SPEECH_VERBS} | {
    stem(w)
    for w in """response reaction statement remark quotable line stance out anything something
    publicly morning afternoon evening night tonight weekend""".split()
}
RRF_K = 60  # reciprocal-rank fusion's constant: later ranks still count, top ranks most


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    answered: bool
    sources: tuple[SourceRef, ...]
    closest: tuple[SourceRef, ...] = ()
    degraded: bool = False
    conversation: str | None = None
    answerer: str = "offline"
    # The IANA zone its sources' dates are shown in (the zone the question was read in).
    timezone: str = "UTC"
    # A follow-up ("and the Union?") read together with the earlier question it follows.
    follows: str | None = None


PER_ARTICLE = 3  # passages of one article among those retrieved


@dataclass
class _Numbered:
    """Passages given to the answerer, and the articles they cite, numbered for citation."""

    hits: list[PassageHit]
    refs: dict[int, SourceRef] = field(default_factory=dict)
    ref_of_hit: dict[int, int] = field(default_factory=dict)


class _LLMAnswer(BaseModel):
    answered: bool
    answer: str = Field(default="", max_length=4000)
    citations: list[int] = Field(default_factory=list)


class QuestionEngine:
    """Answers questions from the store, offline or with an LLM."""

    def __init__(
        self,
        articles: Articles,
        search: PassageSearch,
        conversations: Conversations,
        *,
        now: Callable[[], datetime],
        llm: LLM | None = None,
        usage: UsageLog | None = None,
        max_turns: int = 6,
        prompt: Prompt | None = None,
        reranker: Reranker | None = None,
        briefings: Deliveries | None = None,
        quotes: QuoteFinder | None = None,
    ) -> None:
        self.reranker = reranker
        self.briefings = briefings
        self.quotes = quotes
        self.articles = articles
        self.search = search
        self.conversations = conversations
        self.now = now
        self.llm = llm
        self.usage = usage
        self.max_turns = max_turns
        self.prompt = prompt or load_prompt("answer_question")

    async def ask(
        self,
        question: str,
        *,
        topic: str | None = None,
        topic_title: str = "",
        zone: str = "UTC",
        conversation: str | None = None,
    ) -> Answer:
        """Answer a question (remembering it in the conversation, if one is named)."""
        history = (
            await self.conversations.turns(conversation, last=self.max_turns)
            if conversation
            else []
        )
        read = resolve(
            question,
            [t.text for t in history if t.role == "user"],
            [t.text for t in history if t.role == "assistant"],
        )
        asked, follows = read.question, read.follows  # `asked`: the question as resolved
        if not history and unresolved(question):
            # "When are they signing it?" out of the blue: who and what are not known
            return await self._done(await self._refusal(question, []), conversation, zone, None)
        asked = await self._firm_named(await self._recased(asked, topic), topic)
        own = content_terms(asked)
        context = [t for t in content_terms(read.context)[:8] if t not in own]
        if history and not context and not read_question(asked).terms:
            context = [t for t in _history_terms(history) if t not in own]
            follows = follows or next((t.text for t in reversed(history) if t.role == "user"), None)
        scope = scope_of(asked, self.now(), zone)
        changed = await self._what_changed(asked, topic) if asks_what_changed(asked) else None
        if changed is not None:
            return await self._done(
                replace(changed, question=question), conversation, zone, follows
            )
        said = await self._said_by(asked, topic, scope) or (
            await self._who_said(asked, topic, scope, context) if self.quotes else None
        )
        if said is not None:
            return await self._done(replace(said, question=question), conversation, zone, follows)
        # The question's nouns come from the English pipeline: read (and the model loaded,
        # the first time) off the event loop, so acks never wait for it.
        await asyncio.to_thread(read_with_parse, asked)
        query = " ".join([asked, *context])
        # Once: retrieval and the evidence both use it. In a thread: another answer's evidence
        # may hold the model, and the event loop (acks) must not wait for it.
        vector = (await asyncio.to_thread(embed, [query]))[0]
        # "What did Beijing say?": passages that say "China" are searched for too
        seats = [a for alts in acting_seats(asked).values() for a in alts[:2] if a not in own]
        hits = await self._retrieve(topic, own + context + seats, scope, query, vector)
        # CPU work (thousands of sentences stemmed and embedded): in a thread, so that acks
        # and other requests keep their turn on the event loop.
        earlier = [t for t in content_terms(read.follows or "") if t in context]
        # "Who said …?" answered by "the chairman … he said": the article names the chairman
        whole = (
            {
                a.id: a.text
                for a in (await self.articles.articles_by_id(h.article_id for h in hits)).values()
            }
            if read_question(asked).wants in ("person", "words")
            else {}
        )
        found = await asyncio.to_thread(
            evidence,
            asked,
            context,
            hits,
            vector,
            recent=scope.recent,
            earlier=earlier,
            articles=whole,
        )
        good_hits = list({e.hit.id: e.hit for e in found}.values())
        if self.llm is not None:
            # The model reads whole passages and decides itself whether they answer: it gets
            # those that cover the question as a whole too, not only sentence by sentence.
            names = named_terms(asked)
            good_hits += [
                h
                for h in hits
                if h not in good_hits
                and enough(own or context, h, names)
                and (not context or coverage(context, h) > 0)
            ]
        if not good_hits:
            answer = await self._refusal(question, hits)
        elif self.llm is not None:
            answer = await self._llm_answer(
                question, topic_title or topic or "", history, good_hits
            )
        else:
            answer = replace(await self._extractive(asked, found), question=question)
        return await self._done(answer, conversation, zone, follows)

    async def _recased(self, question: str, topic: str | None) -> str:
        """The question with the names typed in lower case capitalised as the coverage
        writes them ("velmar's shares"), so that the rules for names apply to them."""
        words = candidates(question)
        if not words:
            return question
        hits = await self.search.search_passages(topic, words, limit=40, at_least=1)
        return recased(question, (h.text for h in hits))

    async def _firm_named(self, question: str, topic: str | None) -> str:
        """The question with a firm asked about by what it is ("the steelmaker's boss")
        named as the coverage introduces it, when one firm fits."""
        d = descriptor_in(question)
        if d is None:
            return question
        hits = await self.search.search_passages(topic, search_words(d), limit=40, at_least=1)
        firm = firm_described(d, (h.text for h in hits))
        return named(question, d, firm) if firm else question

    async def _done(
        self, answer: Answer, conversation: str | None, zone: str, follows: str | None
    ) -> Answer:
        """The answer as returned: remembered in its conversation, with its context."""
        answer = replace(answer, conversation=conversation, timezone=zone, follows=follows)
        await self._remember(conversation, answer.question, answer)
        return answer

    async def _remember(self, conversation: str | None, question: str, answer: Answer) -> None:
        if conversation:
            await self.conversations.add_exchange(
                conversation,
                question,
                answer.text,
                self.now(),
                [s.article_id for s in answer.sources],
            )

    async def _who_said(
        self, question: str, topic: str | None, scope: Scope, context: Sequence[str] = ()
    ) -> Answer | None:
        """ "What did X say (about Y)?" from the stored verified quotes of X, verbatim, with the
        speaker, newest first (those about Y first); None when X has none, so that retrieval
        can still find what X was reported to have said."""
        person = person_of(question)
        if person is None or self.quotes is None:
            return None
        found = await self.quotes.find(topic, person, since=scope.since, until=scope.until)
        if not found.found or not found.quotes:
            return None
        read, not_about = read_question(question), stems(person) | _SAY_STEMS
        # "about Greyhaven": when only a name says what about, the words must be about it
        about = set(read.others) - not_about or set(read.terms) - not_about
        follows = {stem(t) for t in context} - stems(person)
        articles = await self.articles.articles_by_id(
            s.article_id for q in found.quotes for s in q.sources
        )

        def told(quote: FoundQuote) -> frozenset[str]:
            """The quote's words and its surroundings (its articles' titles, its paragraph)."""
            around = " ".join(
                f"{a.title} {paragraph_around(a.text, quote.text)}"
                for a in (articles.get(s.article_id) for s in quote.sources)
                if a is not None
            )
            return stems(f"{quote.text} {around}")

        ranked = list(found.quotes)  # newest first
        words = {id(q): told(q) for q in ranked}
        if about:
            # "What did X say about Y?": only quotes about Y.
            ranked = [q for q in ranked if len(about & words[id(q)]) / len(about) >= 0.5]
            if not ranked:
                return None
        # About Y first, then what the conversation was about; newest first among equals.
        ranked.sort(
            key=lambda q: (
                -len(about & stems(q.text)),  # said in the quote itself
                -len(about & words[id(q)]),  # or around it
                -len(follows & words[id(q)]),
            )
        )
        refs: dict[int, SourceRef] = {}
        parts = []
        for quote in ranked[:3]:
            cited = []
            for source in quote.sources[:3]:
                if source.article_id not in refs:
                    refs[source.article_id] = replace(source, n=len(refs) + 1)
                cited.append(refs[source.article_id].n)
            said = f"{quote.speaker}: “{quote.text}”"
            article = articles.get(quote.sources[0].article_id)
            lead = lead_in(article.text, quote.text, quote.speaker) if article else ""
            if lead:  # "Carvell said the framework was a package. “If one part …”"
                said = f"{lead} “{quote.text}”"
            parts.append(f"{said} " + "".join(f"[{n}]" for n in cited))
        return Answer(
            question=question, text=" ".join(parts), answered=True, sources=tuple(refs.values())
        )

    async def _said_by(self, question: str, topic: str | None, scope: Scope) -> Answer | None:
        """ "Who said the plant is plan A, B and C?" from the stored verified quotes: the one
        quote that says those words, with its speaker; None when no one quote does."""
        words = words_asked(question)
        if words is None or self.quotes is None:
            return None
        found = await self.quotes.find(topic, None, since=scope.since, until=scope.until, limit=500)
        quote = who_said(words, found.quotes)
        if quote is None:
            return None
        sources = tuple(replace(s, n=n) for n, s in enumerate(quote.sources[:3], 1))
        cites = "".join(f"[{s.n}]" for s in sources)
        text = f"{quote.speaker}: “{quote.text}” {cites}"
        return Answer(question=question, text=text, answered=True, sources=sources)

    async def _what_changed(self, question: str, topic: str | None) -> Answer | None:
        """ "What changed (since yesterday)?" from the newest briefing's new developments (the
        facts its previous briefing did not have), narrowed to what the question names; None
        when there is no briefing to answer from."""
        if self.briefings is None or topic is None:
            return None
        stored = await self.briefings.last_briefing(topic)
        if stored is None:
            return None
        opening = opening_article(question, stored.payload)
        article = (await self.articles.articles_by_id([opening])).get(opening) if opening else None
        found = developments(question, stored.payload, article.text if article else "")
        if found is None:
            return None  # nothing new on that: retrieval may still find something
        text, sources = found
        return Answer(question=question, text=text, answered=True, sources=sources)

    async def _retrieve(
        self,
        topic: str | None,
        terms: list[str],
        scope: Scope,
        query: str = "",
        vector: Any = None,
    ) -> list[PassageHit]:
        """Passages by words (BM25) and by meaning (static embeddings), fused by reciprocal
        rank, each hit carrying its similarity to the question (`vector`: the query's, when
        the caller has it already)."""
        query = query or " ".join(terms)
        vector = (await asyncio.to_thread(embed, [query]))[0] if vector is None else vector
        # Both at once: each waits on its own database round trips.
        by_words, by_meaning = await asyncio.gather(
            self.search.search_passages(
                topic, terms, since=scope.since, until=scope.until, limit=40
            ),
            self.search.similar(topic, vector, since=scope.since, until=scope.until, limit=40),
        )
        fused: dict[int, float] = {}
        hits: dict[int, PassageHit] = {}
        for ranking in (by_words, by_meaning):
            for n, hit in enumerate(ranking):
                fused[hit.id] = fused.get(hit.id, 0.0) + 1.0 / (RRF_K + n)
                hits.setdefault(hit.id, hit)
        if not hits:
            return []
        ordered = sorted(hits.values(), key=lambda h: (-fused[h.id], h.id))
        stored = await self.search.vectors_of(topic, [h.id for h in ordered])
        missing = [h for h in ordered if h.id not in stored]
        if missing:
            fresh = await asyncio.to_thread(embed, [f"{h.title}. {h.text}" for h in missing])
            stored.update((h.id, v) for h, v in zip(missing, fresh, strict=True))
        similarity = [float(stored[h.id] @ vector) for h in ordered]
        ranked = [
            replace(h, rank=-fused[h.id], similarity=float(s))
            for h, s in zip(ordered, similarity, strict=True)
        ]
        if scope.recent:
            newest = max(h.at for h in ranked)

            def score(h: PassageHit) -> float:
                age_days = (newest - h.at).total_seconds() / 86400
                return -h.rank * RRF_K + 0.5 * math.exp(-age_days)

            ranked.sort(key=score, reverse=True)
        if self.reranker is not None:
            top = ranked[:20]
            order = await self.reranker.order(query, [f"{h.title}. {h.text}" for h in top])
            ranked = [top[i] for i in order] + ranked[20:]
        per_article: dict[int, int] = {}
        chosen = []
        for hit in ranked:
            if per_article.get(hit.article_id, 0) < PER_ARTICLE:
                per_article[hit.article_id] = per_article.get(hit.article_id, 0) + 1
                chosen.append(hit)
        return chosen[:12]

    async def _offline(self, question: str, hits: Sequence[PassageHit]) -> Answer:
        """The extractive answer from the same passages (when the model fails)."""
        found = await asyncio.to_thread(lambda: evidence(question, [], hits, embed([question])[0]))
        if not found:
            return await self._refusal(question, hits)
        return await self._extractive(question, found)

    async def _refs(self, hits: Sequence[PassageHit]) -> _Numbered:
        numbered = _Numbered(list(hits))
        articles = await self.articles.articles_by_id(h.article_id for h in hits)
        by_article: dict[int, int] = {}
        for hit in hits:
            article = articles[hit.article_id]
            if hit.article_id not in by_article:
                n = len(numbered.refs) + 1
                by_article[hit.article_id] = n
                numbered.refs[n] = SourceRef(
                    n,
                    article.id,
                    article.title,
                    article.canonical_url or article.url,  # no tracking, no fragment
                    article.site_name,
                    article.published_at or article.fetched_at,
                )
            numbered.ref_of_hit[hit.id] = by_article[hit.article_id]
        return numbered

    async def _refusal(self, question: str, hits: Sequence[PassageHit]) -> Answer:
        closest = (await self._refs(hits[:3])).refs.values() if hits else ()
        return Answer(
            question=question,
            text="The coverage I have does not say.",
            answered=False,
            sources=(),
            closest=tuple(closest),
        )

    async def _extractive(self, question: str, found: Sequence[Evidence]) -> Answer:
        """The sentences that answer, best first; a sentence syndicated copies repeat is said
        once and cited to all of them; sources numbered in order of first use."""
        picked: list[tuple[str, list[Evidence]]] = []
        for e in found:
            twin = next((p for p in picked if same_sentence(p[0], e.text)), None)
            if twin is not None:
                twin[1].append(e)
            elif len(picked) < 3 and (not picked or e.score >= found[0].score - 0.6):
                picked.append((e.text, [e]))
        hits = [e.hit for _, group in picked for e in group]
        numbered = await self._refs(hits)
        parts = []
        for text, group in picked:
            refs = dict.fromkeys(numbered.ref_of_hit[e.hit.id] for e in group)
            parts.append(f"{whole_quotes(text)} " + "".join(f"[{r}]" for r in refs))
        return Answer(
            question=question,
            text=" ".join(parts),
            answered=True,
            sources=tuple(numbered.refs.values()),
        )

    async def _llm_answer(
        self, question: str, topic: str, history: list[Turn], hits: list[PassageHit]
    ) -> Answer:
        assert self.llm is not None
        numbered = await self._refs(hits[:6])
        passages = "\n\n".join(
            f"[{i}] ({numbered.refs[numbered.ref_of_hit[h.id]].title}) {h.text}"
            for i, h in enumerate(numbered.hits, 1)
        )
        past = "\n".join(f"{t.role}: {t.text}" for t in history) or "(none)"
        messages = self.prompt.render(
            topic=topic,
            history=untrusted(past, "history"),
            question=untrusted(question, "question"),
            passages=untrusted(passages, "passages"),
        )
        completion: Completion | None = None
        try:
            completion = await self.llm.complete(
                messages, schema=_LLMAnswer.model_json_schema(), schema_name="answer"
            )
            reply = _LLMAnswer.model_validate_json(completion.text.strip().strip("`"))
        except (LLMError, ValidationError) as exc:
            log.warning("answering offline: %s", getattr(exc, "reason", "invalid JSON"))
            return replace(await self._offline(question, hits), degraded=True)
        finally:
            if self.usage is not None:
                await self.usage.record("answer", self.prompt.id, self.llm.model, completion)
        if not reply.answered:
            return await self._refusal(question, hits)
        return await self._checked(question, reply, numbered, hits)

    async def _checked(
        self,
        question: str,
        reply: _LLMAnswer,
        numbered: _Numbered,
        hits: list[PassageHit],
    ) -> Answer:
        """Keep only citations to passages given; drop sentences whose quotes are not verbatim;
        renumber citations to the articles they come from."""
        passage_refs = {i: numbered.ref_of_hit[h.id] for i, h in enumerate(numbered.hits, 1)}
        articles = await self.articles.articles_by_id(s.article_id for s in numbered.refs.values())
        texts = [a.text for a in articles.values()]
        kept: list[str] = []
        used: set[int] = set()
        for sentence in split_sentences(reply.answer):
            quotes = quoted_regions(sentence.text)
            if any(not any(is_verbatim(q, t) for t in texts) for q in quotes):
                continue  # a quote the articles do not contain is never shown
            cited = [int(n) for n in re.findall(r"\[(\d+)\]", sentence.text)]
            valid = [passage_refs[n] for n in cited if n in passage_refs]
            text = re.sub(r"\s*\[\d+\]", "", sentence.text).strip()
            if not valid and cited:
                continue  # cites only passages it was not given
            given = [n for n in cited if n in passage_refs] or [
                n for n in reply.citations if n in passage_refs
            ]
            refs = sorted({passage_refs[n] for n in given})
            if not refs:
                continue
            check = grounded(text, [numbered.hits[n - 1].text for n in given])
            if not check.ok:
                # What the model wrote is not all in the coverage (an obeyed injection, a
                # guess): the extractive answer stands in for it, marked degraded.
                log.warning("answer sentence refused: %s", check.reason)
                return replace(await self._offline(question, hits), degraded=True)
            used.update(refs)
            kept.append(text + " " + "".join(f"[{r}]" for r in refs))
        if not kept:
            return await self._refusal(question, numbered.hits)
        return Answer(
            question=question,
            text=" ".join(kept),
            answered=True,
            sources=tuple(numbered.refs[n] for n in sorted(used)),
            answerer=f"llm:{self.llm.model if self.llm else ''}",
        )


def _history_terms(history: Sequence[Turn]) -> list[str]:
    """What the last exchange was about, for follow-up questions: the words of the user's last
    question (its subject), else the names in the last answer."""
    asked = [t.text for t in history if t.role == "user"][-1:]
    own = content_terms(asked[0])[:6] if asked else []
    if own:
        return own
    recent = " ".join(t.text for t in history[-2:])
    names = [w.casefold() for name in _NAME.findall(recent) for w in name.split()]
    return list(dict.fromkeys(names)) or content_terms(recent)[:5]
