"""Quotes and their speakers, found by rules (no model, no network).

Quotation spans: typographic “…”, straight "…", «…», „…“ and single ‘…’ (only when it is
plainly a quotation, never an apostrophe), including quotes that run over several sentences.
A quote left open at the end of a paragraph ends there: the newspaper convention for a quote
that goes on in the next paragraph.

Speakers come from the attribution around a quote: `“…,” X said`, `“…,” said X`,
`“…,” X, the trade minister, told reporters`, `according to X`, `X said: “…”`,
`X said that “…”`, `X said …, adding “…”`, `X described the talks as “…”`. Pronouns and titles
(`she said`, `the commissioner added`) resolve to the last named person before the quote (for
a title, the last one who carries it), and surnames to the fullest form of the name seen.
A quote with no attribution of its own takes the voice of the quote just before it when only
that quote's attribution stands between them, or else of whoever spoke in the sentence before
it in the same paragraph. An anonymous source ("an official said") or a group ("Diplomats …
they said") between the last named person and the quote means nobody is named.

The speaker is a person's name found in the article, or None: never a guess, never an
organisation, never "a spokesperson". Short quotes (three words or fewer) with no speech verb
around them, or inside a phrase ("the “melt and pour” rule"), are scare quotes, titles or
nicknames and are skipped, as is anything after "so-called", "the word", "titled". Every step
looks at a bounded window around one quote, so the whole pass is linear in the article's
length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.models import Quote, Sentence
from bot.text.quotes import Span as _Span
from bot.text.quotes import quotation_spans as quotation_spans
from bot.text.quotes import quoted_regions as quoted_regions
from bot.text.quotes import spans as _spans
from bot.text.sentences import split_sentences

# --- vocabulary -------------------------------------------------------------------------------

_VERBS = (
    "said|says|say|told|tells|added|adds|wrote|writes|asked|asks|stated|states|declared|"
    "insisted|insists|warned|warns|explained|explains|noted|notes|argued|argues|replied|replies|"
    "responded|continued|continues|concluded|acknowledged|admitted|stressed|stresses|remarked|"
    "recalled|countered|conceded|predicted|cautioned|announced|posted|tweeted|urged|urges|"
    "vowed|promised|complained|suggested|claimed|claims|maintained|observed|confirmed|"
    "reiterated|emphasised|emphasized|joked|quipped|spoke|speaks|told|described|describes|"
    "called|calls|dubbed|termed"
)
# Verbs that name rather than speak: they attribute only with a known subject ("what she
# called “a betrayal”", but "a plant called “Nova”" is a name, not a quote).
_NAMING = frozenset("called calls dubbed termed".split())
# Verbs that may come before their speaker: “…,” said Marta Kovalenko. ("asked X" and "told X"
# name the listener, not the speaker.)
_INVERTED = (
    "said|says|added|adds|continued|wrote|writes|explained|insisted|warned|noted|argued|"
    "replied|recalled|concluded|stressed|countered|cautioned|declared"
)
_ADVERBS = frozenset(
    """also later then again once previously earlier recently has had have was is were been
    being already simply just still further""".split()
)
# Words for people in a role; "the <role> said" resolves to the last person seen with it.
_ROLES = frozenset(
    """commissioner minister president representative secretary senator chancellor premier
    governor ambassador mayor spokesman spokeswoman spokesperson chair chairman chairwoman
    chairperson director chief executive ceo cfo coo head leader negotiator envoy adviser
    advisor economist analyst strategist professor judge justice king queen prince princess
    general colonel captain sergeant lieutenant commander admiral officer inspector
    superintendent detective lawyer attorney delegate deputy congressman congresswoman
    lawmaker mp mep councillor councilor founder treasurer manager official diplomat aide
    organiser organizer campaigner activist researcher scientist author editor owner
    president-elect vice-president commissioner-designate boss coach steelworker worker
    farmer engineer driver teacher nurse student resident trader banker buyer consultant
    shopkeeper entrepreneur""".split()
)
# Roles too generic to stand for the last named person: "the official said" names nobody.
_GENERIC_ROLES = frozenset("official officials source sources diplomat aide person".split())
# Words in a capitalised title before a name: "EU Trade Commissioner", "Prime Minister".
_TITLE_WORDS = _ROLES | frozenset(
    """mr mrs ms mx dr prof sir dame lord lady mme mlle herr frau sen rep gov gen lt col capt
    trade foreign finance economy economic interior defence defense home health energy labour
    labor prime vice state federal first deputy acting former interim chief senior junior
    environment transport industry agriculture education culture digital competition""".split()
)
_HONORIFICS = frozenset(
    """mr mrs ms mx dr prof sir dame lord lady mme mlle herr frau sen rep gov commissioner
    minister president senator chancellor governor ambassador mayor judge secretary
    representative premier director chairman chairwoman""".split()
)
_NATIONALITIES = frozenset(
    """european american german french british italian spanish polish dutch belgian chinese
    japanese canadian russian ukrainian irish greek swedish danish finnish austrian portuguese
    indian brazilian mexican australian korean turkish swiss norwegian czech hungarian romanian
    bulgarian croatian slovak slovenian estonian latvian lithuanian luxembourgish maltese
    cypriot scottish welsh english african asian atlantic western eastern northern southern
    transatlantic""".split()
)
# Words that start a sentence or a phrase but never a name.
_NOT_NAMES = frozenset(
    """the a an this that these those his her its their our my your in on at for from with by
    after before during while when if as but and or so yet then there here some many most
    several all both each every no other another such what which who whom whose how why where
    yesterday today tomorrow meanwhile however later earlier last next members officials
    analysts shares asked speaking according under over about against between despite though
    although since until unless because once only even also still now it we they he she i you
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december mr mrs ms dr""".split()
)
# Capitalised words that make a phrase an institution, a place or a thing, not a person.
_NOT_PEOPLE = frozenset(
    """union unions states commission ministry department council parliament association bank
    group inc ltd corp plc llc company partners times news daily ledger post agency office
    court congress senate house building street city university institute forum federation
    committee fund organisation organization bureau authority party capital trust foundation
    centre center club board service services holdings industries steel motors airlines energy
    ports press media herald journal tribune review government republic kingdom nations
    summit conference treaty act bill reuters wirepoint airport station square avenue road
    hall palace tower bridge river valley island islands county province region north south
    east west new saint san santa los las hong kong united national federal central global
    international royal european america europe africa asia works plant mill""".split()
)
# Title words that are also common surnames ("Martin King", "Ana Judge").
_SURNAME_TITLES = frozenset(
    "king judge prince major marshal chancellor general bishop mayor".split()
)
_PARTICLES = "de|van|von|der|den|da|di|du|le|la|bin|ibn|al|el|ter|ten|dos|das|del"
_PREPOSITIONS = frozenset(
    """with for to of by at from on in about against like than into onto over under between
    among toward towards and or nor""".split()
)

# --- patterns (every one anchored or applied to a bounded window) ------------------------------

_UPPER = "".join(c for c in map(chr, range(0x41, 0x530)) if c.isupper())
_U = f"[{_UPPER}]"
_NAME_WORD = (
    rf"(?:{_U}\.(?=[ \t]+{_U})|(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Capt)\.(?=[ \t]+{_U})"
    rf"|{_U}[\w'’\-]*)"
)
_NAME_RUN = rf"{_NAME_WORD}(?:[ \t]+(?:(?:{_PARTICLES})[ \t]+)?{_NAME_WORD}){{0,6}}"
_NAME_RE = re.compile(_NAME_RUN)
_NAME_AT_END = re.compile(rf"(?:{_NAME_RUN})$")
_PRONOUN_AT_END = re.compile(r"(?:^|\W)(he|she|they|He|She|They)$")
_ROLE_AT_END = re.compile(
    r"(?:^|[\s(,;:—–])(?:[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)(?:[ \t]+[\w'’\-]+){0,4}?"
    r"[ \t]+(?P<role>[\w\-]+)$"
)
_ANON = re.compile(
    r"\b(?:[Aa]n?|[Oo]ne|[Aa]nother|[Tt]wo|[Tt]hree|[Ff]our|[Ss]everal|[Ss]ome|[Mm]any|"
    r"[Oo]ther)[ \t]+(?:[\w'’\-]+[ \t]+){0,3}?"
    r"(?:officials?|sources?|spokes(?:person|man|woman)|diplomats?|person|people|aides?|"
    r"analysts?|executives?|members?|negotiators?|workers?|managers?|bankers?|traders?|"
    r"economists?|lawyers?|residents?|employees?|insiders?|observers?|delegates?|"
    r"signs?|banners?|placards?|posters?|notices?|"
    r"protesters?|demonstrators?|witness(?:es)?|participants?|attendees?)\b"
)
_VERB_RE = re.compile(rf"\b(?:{_VERBS})\b")
_LEAD = re.compile(r"[\s,—–\-]*")
_TITLE_ALT = "|".join(re.escape(w) for w in sorted(_TITLE_WORDS, key=len, reverse=True))
_SUBJECT_VERB = re.compile(
    rf"(?P<subj>(?:(?:{_TITLE_ALT})[ \t]+){{0,3}}{_NAME_RUN}|he|she|they"
    rf"|(?:the|its|his|her|their)(?:[ \t]+[\w'’\-]+){{1,5}}?)"
    rf"(?:(?:[ \t]*,[^,.;:!?“”\"«»\n]{{1,120}}){{1,3}},)?[ \t]+"
    rf"(?:(?:{'|'.join(sorted(_ADVERBS))}|[a-z]+ly)[ \t]+){{0,2}}(?P<verb>{_VERBS})\b"
)
_INVERTED_RE = re.compile(rf"(?:{_INVERTED})[ \t]+|according[ \t]+to[ \t]+")
_READ_ANON = re.compile(rf"(?:(?:{_VERBS}|read|reads)[ \t]+)?(?:according[ \t]+to[ \t]+)?")
_OBJECT_PRONOUN = re.compile(r"(?:him|her|them|he|she|they)\b")
_ROLE_PHRASE = re.compile(r"(?:the|its|his|her|their)[ \t]+(?P<words>[^.;:!?“”\"«»\n]{1,80})")
_APPOSITIVE_ROLE = re.compile(
    r",[ \t]+(?:(?:the|a|an|its|his|her|their)[ \t]+)?(?P<words>[^,.;:!?“”\"«»()\n]{1,100})"
)
_ROLE_BEFORE = re.compile(
    r"(?:^|[\s(])(?:[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[\w\-]+['’]s)[ \t]+"
    r"(?:[\w'’\-]+[ \t]+){0,3}?"
    r"(?P<role>[\w\-]+),[ \t]+$"
)
_OF_PLACE = re.compile(rf"[ \t]+(?:of|from|at|for)[ \t]+(?:the[ \t]+)?{_NAME_RUN}$")
_ACCORDING_BEFORE = re.compile(
    rf"\b[Aa]ccording[ \t]+to[ \t]+(?P<subj>{_NAME_RUN}|him|her|them|the[ \t][^,.;:“”\"]{{1,60}})"
    rf"[ \t]*,?[ \t]*$"
)
_APPOSED = re.compile(rf"{_U}[\w'’\-]*,[ \t]+$")
_ELIDED = re.compile(r"[\s,;—–\-]*(?:(?:but|and|then|also|later)[ \t]*)*")
_LOWER_WORDS_BEFORE = re.compile(r"((?:[a-z][\w'’\-]*[ \t]+){1,4})$")
_INVERTED_BEFORE = re.compile(rf"(?:\b(?:{_INVERTED})|\b[Aa]ccording[ \t]+to)[ \t]+$")
_NEXT_WORD = re.compile(r"[ \t]*([^\W\d_][\w'’\-]*)")
_FUNCTION_WORDS = _PREPOSITIONS | frozenset(
    """but as because while when after before that which who since though although if until
    across during through without within amid despite is was were are be been has had have
    will would could should may might can he she they it we said says added told""".split()
)
# A quote right after these is a word being mentioned or a title, not speech.
_MENTION = re.compile(
    r"(?:\bso[- ]called|\bthe[ \t]+(?:words?|term|phrase|label|slogan|nickname|motto|title)"
    r"|\bknown[ \t]+as|\bnicknamed|\btitled|\bentitled)[ \t]*$",
    re.IGNORECASE,
)
# "X said …, adding “…”": the quote belongs to the subject of the clause's main verb.
_PARTICIPLE = re.compile(
    r"\b(?:adding|saying|insisting|noting|warning|arguing|explaining|writing|stressing)"
    r"(?:[ \t]+that)?[ \t]*[:,]?[ \t]*$"
)
# A sentence that opens on a group ("Diplomats from both sides …"): "they" is the group.
_GROUP = re.compile(
    r"(?:^|(?<=[.!?][ \t])|(?<=[.!?][\"”’][ \t]))(?:[A-Z][a-z]+[ \t]+)?"
    r"(?:[A-Z][a-z]{2,}s|[a-z]{3,}s)\b(?=[ \t]+[a-z])",
    re.MULTILINE,
)
_POSSESSIVE = re.compile(r"['’]s$")

_WINDOW = 300  # how far before a quote its attribution may start
_AFTER_WINDOW = 200
_SHORT = 3  # a quote of this many words or fewer needs a speech verb to count
_MAX_NAMESAKES = 20


# --- people -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    name: str
    titles: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Subject:
    """Who a clause says is speaking: a name as written, a pronoun, a role, or nobody known."""

    kind: str  # "name" | "pronoun" | "role" | "anonymous" | "unknown"
    value: str = ""
    at: int = 0


_ANONYMOUS = _Subject("anonymous")
_UNKNOWN = _Subject("unknown")


def _clean_name(raw: str) -> tuple[list[str], set[str], bool]:
    """(name words, title words in front of it, whether a personal title was among them)."""
    words = raw.split()
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    titles: set[str] = set()
    personal = False
    while words:
        low = words[0].lower().rstrip(".")
        bare = _POSSESSIVE.sub("", low)
        if low in _TITLE_WORDS:
            titles.add(low)
            personal = personal or low in _HONORIFICS or low in _ROLES
        elif not (
            low in _NOT_NAMES
            or low in _NATIONALITIES
            or bare != low  # "Germany’s economy minister …"
            or (words[0].isalpha() and words[0].isupper() and len(words[0]) <= 5 and len(words) > 1)
        ):
            break
        words.pop(0)
    return words, titles, personal


def _plausible(words: Sequence[str]) -> bool:
    if not 1 <= len(words) <= 4:
        return False
    for i, word in enumerate(words):
        low = word.lower().rstrip(".")
        if low in _NOT_PEOPLE or low in _NOT_NAMES:
            return False
        if low in _TITLE_WORDS and not (i == len(words) - 1 and low in _SURNAME_TITLES):
            return False
        if len(word) > 2 and word.isupper():  # NATO, BRUSSELS
            return False
        if any(c.isdigit() for c in word):
            return False
    return True


class _People:
    """The people an article names, in order of mention, with the titles seen with them."""

    def __init__(self, text: str, spans: Sequence[_Span]) -> None:
        self.text = text
        self.people: dict[str, _Person] = {}
        self.by_surname: dict[str, list[str]] = {}
        self.aliases: dict[str, str] = {}  # a shorter form seen first → the fullest form
        self.mentions: list[tuple[int, str]] = []
        self._mention_at: list[int] = []
        self._span_starts = [s.open_at for s in spans]
        self._spans = spans
        runs = [(m.start(), m.group()) for m in _NAME_RE.finditer(text)]
        # Learn every name first, so a surname resolves to the full name wherever it is given.
        for at, raw in runs:
            self._learn(at, raw)
        for at, raw in runs:
            if self._inside_quote(at):
                continue  # a name inside a quote is spoken about, not speaking
            name = self.lookup(raw, at)
            if name is not None:
                self.mentions.append((at, name))
                self._mention_at.append(at)
        self._by_role: dict[str, tuple[list[int], list[str]]] = {}
        for at, name in self.mentions:
            for title in self.people[name].titles:
                positions, names = self._by_role.setdefault(title, ([], []))
                positions.append(at)
                names.append(name)
        surnames = {name.split()[-1] for name in self.people}
        self._groups = [
            m.start()
            for m in _GROUP.finditer(text)
            if not self._inside_quote(m.start()) and m.group().split()[-1] not in surnames
        ]
        self._anonymous: dict[str, list[int]] = {}
        self._anonymous_at: list[int] = []
        for m in _ANON.finditer(text):
            if self._inside_quote(m.start()) or _APPOSED.search(
                text, max(0, m.start() - 40), m.start()
            ):
                continue  # "Marcus Feld, a portfolio manager at …" describes a named person
            self._anonymous_at.append(m.start())
            role = m.group().split()[-1].lower().rstrip("s")
            self._anonymous.setdefault(role, []).append(m.start())

    def _inside_quote(self, at: int) -> bool:
        k = bisect_right(self._span_starts, at) - 1
        return k >= 0 and self._spans[k].open_at <= at < self._spans[k].close_at

    # Pass one: names that something in the text marks as a person.
    def _learn(self, at: int, raw: str) -> None:
        words, titles, personal = _clean_name(raw)
        if not _plausible(words):
            return
        end = at + len(raw)
        text = self.text
        evidence = personal
        before = text[max(0, at - 60) : at]
        lower = _LOWER_WORDS_BEFORE.search(before)
        if lower:  # "economy minister Henrik Dahl"
            for word in reversed(lower.group(1).split()):
                if word not in _TITLE_WORDS:
                    break
                titles.add(word)
                evidence = evidence or word in _ROLES
        role_before = _ROLE_BEFORE.search(before)
        if role_before and role_before.group("role").lower() in _ROLES:  # "Its chair, X,"
            titles.add(role_before.group("role").lower())
            evidence = True
        appositive = _APPOSITIVE_ROLE.match(text, end, min(len(text), end + 110))
        if appositive:  # "X, the EU trade commissioner," / "X, who runs …"
            found = {
                w.lower()
                for w in appositive.group("words").split()
                if w.lower() in _ROLES or w.lower() in _TITLE_WORDS
            }
            if found & _ROLES:
                titles |= found
                evidence = True
            elif appositive.group("words").split()[0] in ("who", "whose"):
                evidence = True
        if not evidence:
            evidence = bool(
                _SUBJECT_VERB.match(text[at : min(len(text), end + 160)])
                or _INVERTED_BEFORE.search(before)
            )
        if not evidence and len(words) >= 2 and _opens_sentence(text, at):
            # "Anna Brandt left early." A sentence about a two-word name is about a person.
            evidence = bool(re.match(r"[ \t]+[a-z]", text[end : end + 2]))
        if not evidence:
            return
        if len(words) == 1 and not personal:
            return  # "Eurofer said": one capitalised word before a verb is often a company
        self._register(" ".join(words), titles)

    def _register(self, name: str, titles: set[str]) -> None:
        words = name.split()
        surname = words[-1]
        known = self.by_surname.setdefault(surname, [])
        if len(known) >= _MAX_NAMESAKES:
            return  # no article names this many people of one surname; a hostile one might
        for i, other in enumerate(known):
            other_words = other.split()
            if other == name or other_words[-len(words) :] == words:
                self.people[other].titles |= titles  # "Kovalenko" after "Marta Kovalenko"
                return
            if words[-len(other_words) :] == other_words or (
                len(other_words) > 1 and len(words) > 1 and other_words[0] == words[0]
            ):
                # The fuller form wins ("Marta A. Kovalenko" over "Marta Kovalenko").
                fuller, shorter = (name, other) if len(name) > len(other) else (other, name)
                person = self.people.pop(other)
                person.name = fuller
                person.titles |= titles
                self.people[fuller] = person
                known[i] = fuller
                if shorter != fuller:
                    self.aliases[shorter] = fuller
                return
        known.append(name)
        self.people[name] = _Person(name, set(titles))

    def lookup(self, raw: str, at: int) -> str | None:
        """The full name of the person a capitalised run refers to, or None."""
        words, _, _ = _clean_name(raw)
        if not words or not _plausible(words):
            return None
        name = " ".join(words)
        for _ in range(8):  # "Kovalenko" → "Marta Kovalenko" → "Marta A. Kovalenko"
            if name not in self.aliases:
                break
            name = self.aliases[name]
        if name in self.people:
            return name
        candidates = [
            full
            for full in self.by_surname.get(words[-1], ())
            if full.split()[-len(words) :] == words or full.split()[0] == words[0]
        ]
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        # Two people share a surname: the one mentioned most recently.
        best, best_at = candidates[0], -1
        k = bisect_left(self._mention_at, at)
        for full in candidates:
            for j in range(k - 1, max(-1, k - 50), -1):
                if self.mentions[j][1] == full:
                    if self.mentions[j][0] > best_at:
                        best, best_at = full, self.mentions[j][0]
                    break
        return best

    def last_named(self, before: int) -> tuple[int, str] | None:
        k = bisect_left(self._mention_at, before)
        return self.mentions[k - 1] if k else None

    def _last_anonymous(self, before: int, role: str | None = None) -> int:
        positions = self._anonymous_at if role is None else self._anonymous.get(role, [])
        k = bisect_left(positions, before)
        return positions[k - 1] if k else -1

    def resolve(self, subject: _Subject, before: int) -> str | None:
        """A clause's subject as a person's full name, or None when nobody can be named."""
        if subject.kind == "name":
            return self.lookup(subject.value, subject.at)
        if subject.kind == "pronoun":
            last = self.last_named(before)
            if last is None or self._last_anonymous(before) > last[0]:
                return None  # "An official … she said": the anonymous source is nearer
            if subject.value == "they":
                k = bisect_left(self._groups, before)
                if k and self._groups[k - 1] > last[0]:
                    return None  # "Diplomats … they said": the group, not a person
            return last[1]
        if subject.kind == "role":
            role = subject.value
            key = role.rstrip("s") if role.endswith("s") and role[:-1] in _ROLES else role
            positions, names = self._by_role.get(key, ([], []))
            k = bisect_left(positions, before)
            titled = (positions[k - 1], names[k - 1]) if k else None
            anonymous = self._last_anonymous(before, key)
            if titled and titled[0] > anonymous:
                return titled[1]
            if anonymous >= 0 or key in _GENERIC_ROLES or key not in _ROLES:
                return None
            last = self.last_named(before)
            if last is None or self._last_anonymous(before) > last[0]:
                return None
            return last[1]
        return None

    def named_between(self, start: int, end: int) -> set[str]:
        lo, hi = bisect_left(self._mention_at, start), bisect_left(self._mention_at, end)
        return {name for _, name in self.mentions[lo:hi]}

    def anonymous_between(self, start: int, end: int) -> bool:
        k = bisect_left(self._anonymous_at, start)
        return k < len(self._anonymous_at) and self._anonymous_at[k] < end


def _anonymous_clause(head: str) -> bool:
    """Whether a clause opens on an unnamed source: "An official involved in the talks",
    "On Monday, a spokesperson for the ministry" (not "… a memoir by a retired worker")."""
    starts = [head.lstrip(' \t,;:—–-"“”')]
    comma = head.find(",", 0, 60)
    if comma != -1:
        starts.append(head[comma + 1 :].lstrip())
    return any(_ANON.match(start) for start in starts)


def _opens_sentence(text: str, at: int) -> bool:
    k = at - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    if k < 0 or text[k] == "\n":
        return True
    return text[k] in ".!?" or (text[k] in '"”’' and k > 0 and text[k - 1] in ".!?")


# --- attribution ------------------------------------------------------------------------------


class _Attributor:
    """Finds who speaks each quotation span, from bounded windows around it."""

    def __init__(self, text: str, sentences: Sequence[Sentence], spans: Sequence[_Span]) -> None:
        self.text = text
        self.sentences = sentences
        self.starts = [s.start for s in sentences]
        self.spans = spans
        self.people = _People(text, spans)

    def sentence_at(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)

    def attribute(self, k: int) -> tuple[str | None, bool]:
        """(speaker, whether any attribution was found) for span k."""
        span = self.spans[k]
        after = self._after(k)
        subject = self._after_subject(after, span.close_at)
        if subject is None and not after.strip():
            subject = self._attribution_sentence(k)
        if subject is None:
            subject = self._before_subject(k)
        if subject is None:
            return None, False
        return self.people.resolve(subject, span.open_at), True

    def _after(self, k: int) -> str:
        span = self.spans[k]
        if not self.sentences:
            return ""
        s = self.sentences[self.sentence_at(max(span.close_at - 1, 0))]
        limit = min(s.end, span.close_at + _AFTER_WINDOW)
        if k + 1 < len(self.spans):
            limit = min(limit, self.spans[k + 1].open_at)
        return self.text[span.close_at : max(limit, span.close_at)]

    def _after_subject(self, after: str, offset: int) -> _Subject | None:
        """`“…,” X said`, `“…,” said X`, `according to X`, `read a banner`."""
        lead = _LEAD.match(after)
        pos = lead.end() if lead else 0
        rest = after[pos:]
        offset += pos
        if not rest:
            return None
        verb = _READ_ANON.match(rest)
        anon = _ANON.match(rest, verb.end() if verb else 0)
        if anon:
            return _ANONYMOUS
        inverted = _INVERTED_RE.match(rest)
        if inverted:
            return self._subject_at_start(rest[inverted.end() :], offset + inverted.end())
        m = _SUBJECT_VERB.match(rest)
        if m:
            return self._subject_from(m.group("subj"), offset)
        return None

    def _subject_from(self, words: str, at: int) -> _Subject:
        low = words.lower()
        if low in ("he", "she", "they"):
            return _Subject("pronoun", low, at)
        if low.split()[0] in ("the", "its", "his", "her", "their"):
            return self._role(words)
        return _Subject("name", words, at)

    def _role(self, phrase: str) -> _Subject:
        roles = [w.lower() for w in re.findall(r"[\w\-]+", phrase) if w.lower() in _ROLES]
        return _Subject("role", roles[-1]) if roles else _UNKNOWN

    def _subject_at_start(self, rest: str, at: int) -> _Subject:
        """The speaker named right after `said` or `according to`."""
        if _ANON.match(rest):
            return _ANONYMOUS
        name = _NAME_RE.match(rest)
        if name:
            if _POSSESSIVE.search(name.group()):
                return _UNKNOWN  # "said Lopes’s spokesman": someone speaking for her
            return _Subject("name", name.group(), at)
        if _OBJECT_PRONOUN.match(rest):
            return _Subject("pronoun", "he", at)
        phrase = _ROLE_PHRASE.match(rest)
        if phrase:
            # "said the EU trade commissioner, Marta Kovalenko"
            words = phrase.group("words")
            comma = words.find(",")
            if comma != -1:
                named = _NAME_RE.match(words[comma + 1 :].lstrip())
                if named:
                    skip = phrase.start("words") + comma + 1
                    skip += len(words[comma + 1 :]) - len(words[comma + 1 :].lstrip())
                    return _Subject("name", named.group(), at + skip)
            return self._role(words.split(",")[0])
        return _UNKNOWN

    def _attribution_sentence(self, k: int) -> _Subject | None:
        """`“Why now?” Kovalenko asked.`: a short sentence after a quote that only attributes."""
        span = self.spans[k]
        if not self.sentences:
            return None
        i = self.sentence_at(max(span.close_at - 1, 0)) + 1
        if i >= len(self.sentences):
            return None
        nxt = self.sentences[i]
        if "\n" in self.text[span.close_at : nxt.start] or len(nxt.text.split()) > 10:
            return None
        if k + 1 < len(self.spans) and self.spans[k + 1].open_at < nxt.end:
            return None
        m = _SUBJECT_VERB.match(nxt.text)
        if m and m.group("subj")[0].isupper() and not m.group("subj").startswith("The "):
            return self._subject_from(m.group("subj"), nxt.start)
        return None

    def _before_window(self, k: int) -> tuple[str, int]:
        span = self.spans[k]
        start = self.sentences[self.sentence_at(span.open_at)].start if self.sentences else 0
        if k > 0:
            start = max(start, self.spans[k - 1].close_at)
        start = max(start, span.open_at - _WINDOW, 0)
        return self.text[start : span.open_at], start

    def _before_subject(self, k: int) -> _Subject | None:
        """`X said: “…”`, `X said that “…”`, `X said …, adding “…”`, `described … as “…”`."""
        before, offset = self._before_window(k)
        verbs = list(_VERB_RE.finditer(before))
        if not verbs:
            according = _ACCORDING_BEFORE.search(before)
            if according:  # "According to Kovalenko, “…”"
                return self._subject_at_start(
                    according.group("subj"), offset + according.start("subj")
                )
            if before.rstrip().endswith(":"):  # "Kovalenko had a message for Washington:"
                name = _NAME_RE.match(before.lstrip())
                if name:
                    at = offset + len(before) - len(before.lstrip())
                    if self.people.lookup(name.group(), at):
                        return _Subject("name", name.group(), at)
            return None
        if _PARTICIPLE.search(before):
            # "X, who buys steel, said prices had added 8%, adding: “…”": the main clause's
            # subject speaks, whatever verbs come between.
            for verb in verbs:
                subject = self._tail_subject(before[: verb.start()], offset)
                if subject.kind != "unknown":
                    return subject
        verb = verbs[-1]
        subject = self._tail_subject(before[: verb.start()], offset)
        if subject.kind == "unknown" and _ELIDED.fullmatch(before[: verb.start()]):
            # "Russo said she was told …, but added: “…”": the subject of "said" goes on.
            subject = self._earlier_subject(k, offset + verb.start())
        if verb.group() in _NAMING and subject.kind == "unknown":
            return None  # "a plant called “Nova”" is a name, not a quote
        return subject

    def _earlier_subject(self, k: int, verb_at: int) -> _Subject:
        """The subject of an earlier speech verb in the same sentence, before `verb_at`."""
        sentence = self.sentences[self.sentence_at(self.spans[k].open_at)]
        start = max(sentence.start, verb_at - _WINDOW)
        head = self.text[start:verb_at]
        for verb in reversed(list(_VERB_RE.finditer(head))):
            subject = self._tail_subject(head[: verb.start()], start)
            if subject.kind != "unknown":
                return subject
        return _UNKNOWN

    def lead_in(self, k: int) -> tuple[str | None, bool] | None:
        """`Kovalenko said the tone was good. “But tone is not a text.”`: a quote that opens
        its sentence speaks for whoever spoke in the sentence before, in the same paragraph."""
        span = self.spans[k]
        if not self.sentences:
            return None
        i = self.sentence_at(span.open_at)
        if i == 0 or self.text[self.sentences[i].start : span.open_at].strip():
            return None
        prev = self.sentences[i - 1]
        if "\n" in self.text[prev.end : span.open_at]:
            return None
        if k > 0 and self.spans[k - 1].close_at > prev.start:
            return None  # that sentence holds a quote of its own: continuation decides
        window = max(prev.start, prev.end - _WINDOW)
        head = self.text[window : prev.end]
        verbs = [v for v in _VERB_RE.finditer(head) if v.group() not in _NAMING]
        if not verbs:
            return None
        subject = self._tail_subject(head[: verbs[-1].start()], window)
        if subject.kind == "anonymous":
            return None, True
        if subject.kind == "unknown":
            return None
        speaker = self.people.resolve(subject, span.open_at)
        return (speaker, True) if speaker else None

    def _tail_subject(self, head: str, offset: int) -> _Subject:
        """The subject at the end of the text before a speech verb."""
        head = head.rstrip()
        for _ in range(3):  # "Kovalenko has also said", "Dahl later told"
            cut = head.rfind(" ")
            last = head[cut + 1 :]
            if cut == -1 or not (last in _ADVERBS or (last.endswith("ly") and last.islower())):
                break
            head = head[:cut].rstrip()
        if head.endswith(","):
            inner = head[:-1].rstrip()
            named = self._name_at_end(inner, offset)
            if named:
                return named  # "Its chair, Pieter Vandenberg, said"
            # "Marta Kovalenko, the EU trade commissioner, said", "Ulrike Hartmann, president
            # of the federation, whose members make machine tools, said": skip appositives.
            comma, floor = len(inner), max(0, len(inner) - 300)
            for _ in range(4):
                comma = inner.rfind(",", floor, comma)
                if comma == -1:
                    break
                found = self._end_subject(inner[:comma].rstrip(), offset)
                if found.kind != "unknown":
                    return found
            return self._end_subject(inner, offset)
        return self._end_subject(head, offset)

    def _end_subject(self, head: str, offset: int) -> _Subject:
        named = self._name_at_end(head, offset)
        if named:
            return named
        tail = head[-80:]
        pronoun = _PRONOUN_AT_END.search(tail)
        if pronoun:
            return _Subject("pronoun", pronoun.group(1).lower(), offset + len(head))
        if _anonymous_clause(head):
            return _ANONYMOUS  # "A spokesman for the minister said": not the minister
        role = _ROLE_AT_END.search(tail)
        if role and role.group("role") in _ROLES:
            # Lower case only: "the Office of the US Trade Representative" is an institution.
            return _Subject("role", role.group("role"))
        return _UNKNOWN

    def _name_at_end(self, head: str, offset: int) -> _Subject | None:
        window = head[-120:]
        base = offset + len(head) - len(window)
        m = _NAME_AT_END.search(window)
        if not m:
            return None
        where = _OF_PLACE.search(window)
        if where and self.people.lookup(m.group(), base + m.start()) is None:
            # "President Ana Lopes of Valdoria said": the name before the place
            return self._name_at_end(window[: where.start()], base)
        preceding = window[: m.start()].rstrip().rsplit(None, 1)
        if preceding and preceding[-1] in _PREPOSITIONS:
            return None  # "a manager who worked with Marta Kovalenko said": not the speaker
        at = base + m.start()
        if self.people.lookup(m.group(), at) is None:
            return None
        return _Subject("name", m.group(), at)


# --- the pass over an article -----------------------------------------------------------------


def _clean(quote: str) -> str:
    return quote.strip().rstrip(",").rstrip()


def _ends_phrase(text: str, span: _Span) -> bool:
    """Whether a short quote ends its phrase: "as “constructive” in a statement" and
    "“We stay,” according to …", but not the scare quote in "the “melt and pour” rule"."""
    if text[span.start : span.end].rstrip()[-1:] in ",.;:!?…—–-":
        return True
    following = _NEXT_WORD.match(text, span.close_at, min(len(text), span.close_at + 40))
    if following is None:
        return True
    word = following.group(1)
    return not word[:1].islower() or word in _FUNCTION_WORDS


def extract_quotes(text: str, sentences: Sequence[Sentence] | None = None) -> list[Quote]:
    """Quotes in order of appearance, each with its speaker or None; sentence ids when given."""
    spans = _spans(text)
    if not spans:
        return []
    known = list(sentences) if sentences is not None else split_sentences(text)
    attributor = _Attributor(text, known, spans)
    found: list[tuple[_Span, str, str | None, bool]] = []
    previous: tuple[_Span, str | None] | None = None
    for k, span in enumerate(spans):
        inner = _clean(text[span.start : span.end])
        if not any(c.isalpha() for c in inner):
            continue
        speaker, attributed = attributor.attribute(k)
        if not attributed and previous is not None and _continues(attributor, previous, span):
            speaker, attributed = previous[1], True
        if not attributed:
            lead = attributor.lead_in(k)
            if lead is not None:
                speaker, attributed = lead
        if attributed:
            previous = (span, speaker)
        elif len(inner.split()) > _SHORT:
            previous = None  # an unattributed quote: the voice before it does not go on
        found.append((span, inner, speaker, attributed))
    # A quote left open at a paragraph's end goes on in the next one, attributed there.
    for i in range(len(found) - 2, -1, -1):
        span, inner, speaker, attributed = found[i]
        nxt = found[i + 1]
        if not span.closed and not attributed and nxt[3]:
            gap = text[span.close_at : nxt[0].open_at]
            if not gap.strip():
                found[i] = (span, inner, nxt[2], True)
    quotes: list[Quote] = []
    seen: set[str] = set()
    for span, inner, speaker, attributed in found:
        if _MENTION.search(text[max(0, span.open_at - 20) : span.open_at]):
            continue  # "the so-called “melt and pour” rule", "a report titled “…”"
        if len(inner.split()) <= _SHORT and (not attributed or not _ends_phrase(text, span)):
            continue  # a scare quote, a title or a nickname, not something somebody said
        key = inner.rstrip(".!?…;:").rstrip()
        if key in seen:
            continue  # the same words quoted again, perhaps with a full stop this time
        seen.add(key)
        sentence_id = None
        if sentences is not None and known:
            sentence_id = known[attributor.sentence_at(span.open_at)].id
        quotes.append(Quote(inner, speaker, sentence_id))
    return quotes


def _continues(attributor: _Attributor, previous: tuple[_Span, str | None], span: _Span) -> bool:
    """Whether only the previous quote's attribution stands between it and this quote."""
    last, speaker = previous
    gap_start, gap_end = last.close_at, span.open_at
    text = attributor.text
    if gap_end - gap_start > 250 or text.count("\n", gap_start, gap_end) > 2:
        return False
    # Only an attribution may stand between: “A,” she said. “B.” / “A,” he added, “but B.”
    first = attributor.sentence_at(max(gap_start - 1, 0))
    here = attributor.sentence_at(gap_end)
    opens = not text[attributor.sentences[here].start : gap_end].strip() if here else True
    gap = text[gap_start:gap_end].strip()
    if here - first > 1 or not (opens or (gap.endswith((",", ":")) and len(gap.split()) <= 12)):
        return False
    if attributor.people.named_between(gap_start, gap_end) - {speaker}:
        return False  # someone else is named in between: the voice may have changed
    return not attributor.people.anonymous_between(gap_start, gap_end)
