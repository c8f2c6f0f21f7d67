"""What a language model is shown of an article: its extractive shortlist and the quotations
the parse found, numbered, instead of the whole text (a third of the tokens or less).

- Sentences: the best 6-10 by the offline ranking (`rank_key_points`), in article order,
  with their sentence ids, so a model's key point cites ids and is grounded in those very
  sentences. Boilerplate and text addressed to a machine score 0 and are never shown.
- Quotations: the offline attributor's verified quotes (exact slices of the article) with the
  speaker the parse found, numbered [Q1]…; the model picks among them and never writes a
  speaker.
- The offline summary itself, made from the same parse: the fallback when the model fails and
  the stand-in for a refused point.

Pure and synchronous (it runs in the CPU pool); it must not call out or change the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Quote, Sentence, Summary
from bot.summarise.offline import rank_key_points, summarise_text
from bot.text.sentences import split_sentences

MAX_SENTENCES = 10
MIN_SENTENCES = 6
MAX_QUOTES = 10
QUOTE_WORDS = 20  # a longer quotation is shown cut (the model picks it by number)
MOSTLY_QUOTE = 0.6  # a sentence this much quotation is shown as its quotation only


@dataclass(frozen=True, slots=True)
class Shortlist:
    """An article as the model sees it, plus its offline summary."""

    title: str
    sentences: tuple[Sentence, ...]  # in article order, ids as in `split_sentences(text)`
    quotes: tuple[Quote, ...]  # candidate quotations, verified; [Q1] is quotes[0]
    offline: Summary

    def render(self) -> str:
        """The numbered text that goes between the untrusted-data delimiters."""
        lines = [f"Title: {' '.join(self.title.split())}"]
        lines += [f"[{s.id}] {' '.join(s.text.split())}" for s in self.sentences]
        if self.quotes:
            lines.append("Quotations:")
            for n, quote in enumerate(self.quotes, 1):
                words = quote.text.split()
                shown = " ".join(words[:QUOTE_WORDS]) + (" …" if len(words) > QUOTE_WORDS else "")
                lines.append(f"[Q{n}] {quote.speaker or 'unattributed'}: “{shown}”")
        return "\n".join(lines)


def shortlist(title: str, text: str, offline: Summary | None = None) -> Shortlist:
    """The article's shortlist of sentences and candidate quotations (see the module);
    `offline` is its offline summary when already at hand (it holds the parse's quotes)."""
    if offline is None:
        offline = summarise_text(title, text)
    sentences = split_sentences(text)
    picked = rank_key_points(
        title, text, sentences, max_points=MAX_SENTENCES, min_points=MIN_SENTENCES
    )
    by_id = {s.id: s for s in sentences}
    # A quote of a word or two is a term, not a quotation worth a briefing's space.
    quotes = tuple(q for q in offline.quotes if len(q.text.split()) >= 3)[:MAX_QUOTES]
    # A sentence that is mostly one of those quotations is shown once, as the quotation.
    quoted: dict[int, int] = {}
    for q in quotes:
        if q.sentence_id is not None:
            quoted[q.sentence_id] = quoted.get(q.sentence_id, 0) + len(q.text)
    chosen = sorted(
        i
        for i in {i for p in picked for i in p.sentence_ids}
        if quoted.get(i, 0) < MOSTLY_QUOTE * len(by_id[i].text)
    )
    return Shortlist(title, tuple(by_id[i] for i in chosen), quotes, offline)


__all__ = ["Shortlist", "shortlist"]
