"""Quotes and their speakers, found by rules (no model).

Quotation spans: typographic “…”, straight "…", «…» and ‘…’, including quotes that run over
several sentences; a quote left open at the end of a paragraph ends there (the newspaper
convention for quotes running over paragraphs). Speakers come from attribution patterns
around the quote (`“…,” X said`, `X told reporters: “…”`, `X said …, adding “…”`,
`described the talks as “…”`); pronouns and titles (`he added`, `the minister said`) resolve
to the last named person before the quote. When no person can be found the speaker is None:
a name is never guessed, and anonymous sources (`an official said`) stay anonymous.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import Quote, Sentence

_PAIRS = {"“": "”", "«": "»", "‘": "’", "„": "“"}
_SPEECH = (
    r"said|says|say|added|adds|told|tells|wrote|writes|asked|asks|stated|states|declared|"
    r"insisted|insists|warned|warns|explained|explains|noted|notes|argued|argues|replied|"
    r"replies|continued|continues|concluded|acknowledged|admitted|stressed|stresses|"
    r"remarked|recalled|countered|conceded|predicted|cautioned|announced|posted|tweeted|"
    r"described|called|put it|went on"
)
# Verbs that may come before their speaker: “…,” said Marta Kovalenko. ("asked X" and
# "told X" name the listener, not the speaker.)
_INVERTED = r"said|says|added|adds|continued|wrote|explained|insisted|warned|noted|argued"
_TITLE_WORDS = frozenset(
    """commissioner minister president representative secretary senator chancellor premier
    prime trade foreign finance economy economic chief executive director general head
    chairman chairwoman chair governor ambassador spokesman spokeswoman spokesperson mayor
    deputy vice state official analyst economist leader ceo cfo professor prof dr mr mrs ms
    sir dame lord lady eu us uk un european american german french british union's
    negotiator adviser advisor lawmaker mp congressman congresswoman judge justice king queen
    pope general colonel captain sergeant officer""".split()
)
_PRONOUNS = {"he", "she", "they"}
_ANONYMOUS = re.compile(
    r"\b(?:an?|one|another|two|three|several|some)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:official|officials|source|sources|spokesperson|spokesman|spokeswoman|diplomat|"
    r"diplomats|person|people|aide|analyst|analysts|executive|member|negotiator|worker|"
    r"sign|banner|statement|placard)\b",
    re.IGNORECASE,
)
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_CAP = rf"[{_UPPER}][\w'’\-]*"
_NAME = rf"(?:{_CAP}(?:\s+(?:de|van|von|der|da|di|le|la|bin|al)?\s*{_CAP}){{0,5}})"
_SUBJECT = rf"(?P<subj>{_NAME}|[Hh]e|[Ss]he|[Tt]hey|the\s+[a-z]+(?:\s+[a-z]+)?)"
_APPOSITIVE = r"(?:\s*,[^,“”\"]{1,90},|,)?"
# After the quote: “…,” X said / said X / X, the minister, said / according to X
_AFTER = re.compile(
    rf"^[\s,]*(?:"
    rf"{_SUBJECT}{_APPOSITIVE}\s+(?:{_SPEECH})\b"
    rf"|(?:{_INVERTED})\s+(?P<subj2>{_NAME}|the\s+[a-z]+(?:\s+[a-z]+)?)"
    rf"|according\s+to\s+(?P<subj3>{_NAME}|the\s+[a-z]+(?:\s+[a-z]+)?|him|her|them)"
    rf")"
)
# Before the quote: X said: “…” / X told reporters that “…” / X said …, adding “…”
_BEFORE = re.compile(
    rf"{_SUBJECT}{_APPOSITIVE}\s+(?:[a-z]+\s+)?(?:{_SPEECH})\b(?:(?!\b(?:{_SPEECH})\b)[^.!?])*$"
)
# Capitalised phrases that are institutions or places, never speakers.
_NOT_PEOPLE = re.compile(
    r"\b(?:Union|States|Commission|Ministry|Department|Council|Parliament|Association|"
    r"Bank|Group|Inc|Ltd|Corp|Company|Partners|Times|News|Daily|Ledger|Post|Agency|"
    r"Office|Court|Congress|Senate|House|Building|Street|City|University|Institute|Forum|"
    r"Federation|Committee|Fund|Organisation|Organization|Bureau|Authority|Party|Capital|"
    r"Trust|Foundation|Centre|Center|Club|Board|Service|Services|Holdings|Industries|"
    r"Steel|Motors|Airlines|Energy|Ports|Press|Media|Herald|Journal|Tribune|Review)\b"
)
_NOT_NAME_STARTS = frozenset(
    """the a an this that these those his her its their our my your in on at for from with by
    after before during while when if as but and or so yet then there here some many most
    several all both each every no other another such what which who whom whose how why
    where european american german french british chinese us eu uk""".split()
)
_SCARE = re.compile(r"\bso[- ]called\s*$", re.IGNORECASE)
_ADDING = re.compile(r"\b(?:adding|saying|writing|insisting|warning|noting)\b[^.!?]*$")


@dataclass(frozen=True, slots=True)
class _Span:
    start: int  # of the quoted text (inside the marks)
    end: int
    open_at: int  # of the opening mark
    close_at: int  # just after the closing mark (or the paragraph end)


def _spans(text: str) -> list[_Span]:
    """Quotation spans, paragraph by paragraph, never nested, linear time."""
    spans: list[_Span] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_end = para.start(), para.end()
        i = p_start
        while i < p_end:
            ch = text[i]
            closer = None
            if ch in _PAIRS:
                if ch == "‘" and i > p_start and text[i - 1].isalnum():
                    i += 1
                    continue
                closer = _PAIRS[ch]
            elif ch == '"':
                closer = '"'
            if closer is None:
                i += 1
                continue
            j = text.find(closer, i + 1, p_end)
            if closer == "’":  # skip apostrophes: a closing ’ is not followed by a letter
                while j != -1 and j + 1 < p_end and text[j + 1].isalpha():
                    j = text.find(closer, j + 1, p_end)
            close_at = j + 1 if j != -1 else p_end
            inner_end = j if j != -1 else p_end
            if inner_end > i + 1:
                spans.append(_Span(i + 1, inner_end, i, close_at))
            i = close_at
    return spans


def quoted_regions(text: str) -> list[str]:
    """The text inside every pair of quotation marks (what may be shown as a quote)."""
    return [text[span.start : span.end] for span in _spans(text)]


def _clean(quote: str) -> str:
    return quote.strip().rstrip(",").strip()


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and re.sub(r"['’]s$", "", words[0].lower()).rstrip(".") in _TITLE_WORDS:
        words.pop(0)
    return " ".join(words)


class _People:
    """Named people in order of mention, so pronouns and titles resolve to the last one."""

    def __init__(self, text: str) -> None:
        self.full: dict[str, str] = {}  # surname → fullest name
        self.titles: dict[str, set[str]] = {}  # full name → title words seen with it
        self.mentions: list[tuple[int, str]] = []
        self.subjects: list[tuple[int, str]] = []  # mentions as the one speaking or acting
        self.text = text
        self._collect()

    def _register(self, raw: str, pos: int) -> str | None:
        words = raw.split()
        titles = {w.lower() for w in words if w.lower() in _TITLE_WORDS}
        name = _strip_titles(raw)
        parts = name.split()
        if not parts or parts[-1].lower() in _TITLE_WORDS or parts[0].lower() in _PRONOUNS:
            return None
        surname = parts[-1]
        if len(parts) >= 2:
            known = self.full.get(surname)
            if known is None or len(name) > len(known):
                self.full[surname] = name
        full = self.full.get(surname, name if len(parts) >= 2 else None)
        if full is None:
            return None
        self.titles.setdefault(full, set()).update(titles)
        self.mentions.append((pos, full))
        return full

    def _collect(self) -> None:
        person = re.compile(
            rf"(?P<name>{_NAME})(?={_APPOSITIVE}\s+(?:[a-z]+\s+)?(?:{_SPEECH})\b)"
            rf"|\b(?:{_INVERTED})\s+(?P<name2>{_NAME})"
            rf"|\b(?P<titled>(?:{_CAP}\s+){{0,3}}(?:Commissioner|Minister|President|Representative|"
            rf"Secretary|Senator|Chancellor|Governor|Ambassador|Director|Mr|Mrs|Ms|Dr|Prof)\.?"
            rf"\s+{_NAME})"
            rf"|(?P<appos>{_CAP}\s+{_CAP}(?:\s+{_CAP})?)(?=,\s+(?:the|a|an)\s+[a-z])"
            rf"|(?:^|(?<=[.!?]\s))(?P<lead>{_CAP}\s+{_CAP})(?=\s+[a-z])"
        )
        found: list[tuple[int, str, bool]] = []
        for m in person.finditer(self.text):
            raw = (
                m.group("name")
                or m.group("name2")
                or m.group("titled")
                or m.group("appos")
                or m.group("lead")
            )
            if raw and m.group("lead") and raw.split()[0].lower() in _NOT_NAME_STARTS:
                continue  # "The French counterpart …" opens a sentence but names nobody
            pos = m.start("name") if m.group("name") else m.start()
            speaking = bool(m.group("name") or m.group("name2"))
            if raw and len(_strip_titles(raw).split()) <= 4 and not _NOT_PEOPLE.search(raw):
                found.append((pos, raw, speaking))
        # Register full names first so surname-only mentions resolve whatever the order.
        for pos, raw, _ in found:
            if len(_strip_titles(raw).split()) >= 2:
                self._register(raw, pos)
        self.mentions.clear()
        for pos, raw, speaking in found:
            full = self._register(raw, pos)
            if full and speaking:
                self.subjects.append((pos, full))
        if self.full:
            # One pass per pattern over the text, whatever the number of people.
            names = "|".join(sorted(map(re.escape, self.full), key=len, reverse=True))
            bare = re.compile(rf"\b(?:{names})\b")
            for m in bare.finditer(self.text):  # later bare-surname mentions anywhere
                self.mentions.append((m.start(), self.full[m.group()]))
            # "Marchand was unmoved." — a name opening a sentence is who it is about.
            opening = re.compile(
                rf"(?:^|(?<=[.!?]\s)|(?<=[.!?][\"”]\s))(?:{_CAP}\s+){{0,3}}({names})\s+[a-z]",
                re.MULTILINE,
            )
            speaker_names = re.compile(  # "Kovalenko said", "Meinhardt told"
                rf"\b({names})\b(?={_APPOSITIVE}\s+(?:[a-z]+\s+)?(?:{_SPEECH})\b)"
            )
            for pattern in (opening, speaker_names):
                for m in pattern.finditer(self.text):
                    self.subjects.append((m.start(), self.full[m.group(1)]))
        self.mentions.sort()
        self.subjects.sort()
        self._positions = [p for p, _ in self.mentions]
        self._subject_positions = [p for p, _ in self.subjects]

    def resolve(self, subject: str, before: int) -> str | None:
        """A subject (name, pronoun, 'the minister') as a person's full name, or None."""
        subject = " ".join(subject.split())
        lowered = subject.lower()
        if lowered in _PRONOUNS or lowered in ("him", "her", "them"):
            return self.last_speaker_before(before) or self.last_before(before)
        if lowered.startswith("the "):
            role = lowered.split()[-1]
            if role not in _TITLE_WORDS or role in (
                "official",
                "spokesperson",
                "spokesman",
                "spokeswoman",
                "analyst",
                "source",
            ):
                return None
            for _pos, name in reversed(self.mentions[: bisect_left(self._positions, before)]):
                if role in self.titles.get(name, set()):
                    return name
            return self.last_before(before)
        name = _strip_titles(subject)
        parts = name.split()
        if not parts or parts[0].lower() in _TITLE_WORDS or _NOT_PEOPLE.search(name):
            return None
        if parts[0].lower() in _NOT_NAME_STARTS:
            return None
        full = self.full.get(parts[-1])
        if full is not None:
            return full
        return name if len(parts) >= 2 else None

    def last_speaker_before(self, pos: int) -> str | None:
        """The last person seen speaking (`X said`) before pos: what "he added" refers to."""
        index = bisect_left(self._subject_positions, pos)
        return self.subjects[index - 1][1] if index else None

    def last_before(self, pos: int) -> str | None:
        index = bisect_left(self._positions, pos)
        return self.mentions[index - 1][1] if index else None


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    start = max(text.rfind("\n", 0, pos), 0)
    for stop in re.finditer(r"[.!?][\"”’]?\s", text[start:pos]):
        if stop.end() + start <= pos:
            candidate = start + stop.end()
            # Only a real boundary if the next char starts a sentence.
            if candidate < len(text) and (text[candidate].isupper() or text[candidate] in '“"'):
                start = candidate if candidate < pos else start
    end_match = re.compile(r"[.!?](?=[\"”’]?\s|$)|\n").search(text, pos)
    return start, (end_match.end() if end_match else len(text))


def extract_quotes(text: str, sentences: Sequence[Sentence] | None = None) -> list[Quote]:
    """Quotes in order of appearance, each with its speaker or None."""
    people = _People(text)
    starts = [s.start for s in sentences] if sentences else []
    quotes: list[Quote] = []
    seen: set[str] = set()
    spans = _spans(text)
    previous: tuple[_Span, str | None] | None = None
    for k, span in enumerate(spans):
        inner = _clean(text[span.start : span.end])
        words = len(inner.split())
        if not inner or not any(c.isalpha() for c in inner):
            continue
        speaker, attributed = _attribute(text, span, spans, k, people)
        if not attributed and previous is not None:
            # “We are close,” she said. “But not there yet.” — the same voice goes on when
            # only the previous quote's attribution stands between the two.
            gap = text[previous[0].close_at : span.open_at]
            others = {people.resolve(n, span.open_at) for n in re.findall(_NAME, gap)}
            others -= {None, previous[1]}
            if len(gap) < 240 and gap.count("\n") <= 1 and not others:
                speaker, attributed = previous[1], previous[1] is not None
        if attributed or words > 3:
            previous = (span, speaker)
        if words <= 3 and (
            not attributed or _SCARE.search(text[max(0, span.open_at - 12) : span.open_at])
        ):
            continue  # a scare quote or a title, not something somebody said
        if inner in seen:
            continue
        seen.add(inner)
        sentence_id = None
        if starts:
            index = bisect_left(starts, span.open_at + 1) - 1
            sentence_id = sentences[max(index, 0)].id if sentences else None
        quotes.append(Quote(inner, speaker, sentence_id))
    return quotes


def _attribute(
    text: str, span: _Span, spans: Sequence[_Span], k: int, people: _People
) -> tuple[str | None, bool]:
    """(speaker, whether any attribution was found) for one quotation span."""
    s_start, _ = _sentence_bounds(text, span.open_at)
    # A quote may hold several sentences: what attributes it follows its closing mark.
    _, s_end = _sentence_bounds(text, span.close_at)
    next_open = spans[k + 1].open_at if k + 1 < len(spans) else len(text)
    after = text[span.close_at : min(s_end, next_open, span.close_at + 160)]
    prev_close = spans[k - 1].close_at if k > 0 else 0
    before = text[max(s_start, prev_close) : span.open_at]
    if _ANONYMOUS.search(after[:80]) and not _AFTER.match(after.replace("an ", "", 0)):
        return None, True
    match = _AFTER.match(after)
    if match:
        subject = match.group("subj") or match.group("subj2") or match.group("subj3") or ""
        if subject.lower() in ("him", "her", "them"):
            return people.last_before(span.open_at), True
        return people.resolve(subject, span.open_at), True
    if _ANONYMOUS.search(before) and not re.search(rf"\b{_NAME}\s+(?:{_SPEECH})", before):
        return None, True
    match = _BEFORE.search(before)
    if match:
        return people.resolve(match.group("subj"), span.open_at), True
    if _ADDING.search(before) or re.search(r"\b(?:as|called|dubbed|termed)\s*$", before):
        subject = re.match(rf"\s*{_SUBJECT}", text[s_start : span.open_at])
        if subject:
            return people.resolve(subject.group("subj"), span.open_at), True
        return None, True
    return None, False
