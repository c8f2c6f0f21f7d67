"""An article made ready for the rules: paragraphs, sentences, quotation sites and the spaCy
parse of the paragraphs, with every token placed at its offset in the article text.

Quotation spans come from the shared span finder; a site's text is an exact slice of the
article. The parse is bounded: a paragraph is parsed in pieces of at most ``MAX_CHUNK``
characters and an article in at most ``MAX_PARSED`` (on hostile input, pieces with quotes
come first), so time and memory stay linear. It must not decide who speaks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.models import Sentence
from bot.text.quotes import quotation_spans
from bot.text.sentences import split_sentences

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

MAX_CHUNK = 2_000  # characters of one parsed piece; a paragraph is rarely longer
MAX_PARSED = 60_000  # characters parsed per article: a long feature is about 30,000
LONG_ARTICLE = 8_000  # beyond this, paragraphs far from any quote are not parsed

_BATCH = 8  # paragraphs per model batch: bounds peak memory on long articles
_PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"'}


@dataclass(frozen=True, slots=True)
class Site:
    """One quotation: marks at ``open_at``/``close_at``; its text is ``text[start:end]``."""

    open_at: int
    close_at: int  # just after the closing mark, or the paragraph's end when left open
    start: int
    end: int
    closed: bool
    para: int


def _site(text: str, open_at: int, close_at: int, para: int) -> Site:
    closer = _PAIRS.get(text[open_at], "")
    closed = close_at - 1 > open_at and text[close_at - 1] == closer
    start, end = open_at + 1, close_at - 1 if closed else close_at
    while start < end and text[start].isspace():
        start += 1
    # The comma before the closing mark belongs to the attribution, not the quote.
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return Site(open_at, close_at, start, end, closed, para)


class Article:
    """The text with its sites, sentences and parsed tokens; read-only once built."""

    def __init__(
        self, text: str, sentences: Sequence[Sentence] | None, nlp: Language | None
    ) -> None:
        self.text = text
        self.paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        self._para_starts = [p[0] for p in self.paragraphs]
        self.sites = [
            _site(text, a, b, self.para_of(a)) for a, b in quotation_spans(text) if b > a + 1
        ]
        self._site_starts = [s.open_at for s in self.sites]
        self.sentences = list(sentences) if sentences is not None else split_sentences(text)
        self._sentence_starts = [s.start for s in self.sentences]
        self.docs: list[Doc] = []
        self.tokens: list[Token] = []
        self.token_starts: list[int] = []
        self._base: dict[int, int] = {}
        if nlp is not None and self.sites:
            self._parse(nlp)

    # --- positions ---------------------------------------------------------------------------

    def para_of(self, pos: int) -> int:
        return max(bisect_right(self._para_starts, pos) - 1, 0)

    def sentence_of(self, pos: int) -> int:
        return max(bisect_right(self._sentence_starts, pos) - 1, 0)

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence around pos, never beyond its paragraph."""
        p_start, p_end = self.paragraphs[self.para_of(pos)] if self.paragraphs else (0, 0)
        if not self.sentences:
            return p_start, p_end
        s = self.sentences[self.sentence_of(pos)]
        return max(s.start, p_start), min(max(s.end, pos), p_end)

    def site_at(self, pos: int) -> int | None:
        """Index of the quotation whose marks enclose pos, or None."""
        k = bisect_right(self._site_starts, pos) - 1
        if k >= 0 and self.sites[k].open_at <= pos < self.sites[k].close_at:
            return k
        return None

    def pos(self, token: Token) -> int:
        return self._base[id(token.doc)] + token.idx

    def quoted(self, token: Token) -> bool:
        return self.site_at(self.pos(token)) is not None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        lo, hi = bisect_left(self.token_starts, start), bisect_left(self.token_starts, end)
        return self.tokens[lo:hi]

    # --- parsing -----------------------------------------------------------------------------

    def _chunks(self) -> list[tuple[int, int]]:
        chunks: list[tuple[int, int]] = []
        for p_start, p_end in self.paragraphs:
            start = p_start
            while p_end - start > MAX_CHUNK:
                # Cut a long paragraph at a sentence end, or at a space, within the limit.
                cut = (
                    self._sentence_starts[
                        max(bisect_right(self._sentence_starts, start + MAX_CHUNK) - 1, 0)
                    ]
                    if self.sentences
                    else start
                )
                if cut <= start:
                    space = self.text.rfind(" ", start + 1, start + MAX_CHUNK)
                    cut = space if space > start else start + MAX_CHUNK
                chunks.append((start, cut))
                start = cut
            chunks.append((start, p_end))
        return chunks

    def _parse(self, nlp: Language) -> None:
        chunks = self._chunks()
        if sum(b - a for a, b in chunks) > LONG_ARTICLE:
            # A long article (or hostile input): parse the pieces holding quotes, the piece
            # before each (pronouns and carried voices look back one paragraph) and the
            # opening ones (where people are introduced), in order, within the budget. The
            # rest is never needed to attribute a quote, or stays unattributed.
            starts = [a for a, _ in chunks]
            wanted: set[int] = {0, 1}
            for site in self.sites:
                k = bisect_right(starts, site.open_at) - 1
                wanted.update((k - 1, k))
            budget, kept = MAX_PARSED, []
            for k, (a, b) in enumerate(chunks):
                if k in wanted and b - a <= budget:
                    kept.append((a, b))
                    budget -= b - a
            chunks = kept
        # Small batches: the model holds a whole batch in memory at once.
        self.docs = list(nlp.pipe((self.text[a:b] for a, b in chunks), batch_size=_BATCH))
        for (a, _), doc in zip(chunks, self.docs, strict=True):
            self._base[id(doc)] = a
            for token in doc:
                if not token.is_space:
                    self.tokens.append(token)
                    self.token_starts.append(a + token.idx)
