"""Which sentences of the retrieved passages answer a question, and how well: the rules
the offline answer stands on (pure; the model only supplies meaning through the vectors).

A sentence answers when it holds the kind of thing asked for (a figure next to the thing
counted, an amount, a time, a place, someone's words), every name of the question is in its
passage, and it says enough of the question: most of its words, or some of them and most of
its meaning, or some of them with every name and the kind asked for in the same sentence. A
question about something no retrieved passage mentions is not answered.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.answer.asked import (
    act_asked,
    counted,
    counted_not_sized,
    counts,
    definition_asked,
    done_asked,
    event_asked,
    manner_asked,
    names_a_person,
    names_asked,
    naming_asked,
    part_asked,
    size_asked,
    subjects_asked,
    things_asked,
)
from bot.answer.holders import holder_sentence, office_holders
from bot.answer.periods import of_another_period, period_asked, revised, revision_asked
from bot.answer.quotes import person_of
from bot.answer.sayings import (
    CALENDAR,
    NAME_RUN,
    QUOTE_MARK,
    joined_quotes,
    speaker_words,
    spoken_by_another,
    unquoted,
)
from bot.answer.sentences import (
    has_kind,
    market_asked,
    names_met,
    read_question,
    stem,
    stems,
    term_coverage,
    which_head,
)
from bot.store.embed import embed
from bot.store.search import PassageHit
from bot.summarise.attribution.names import fold
from bot.text.sentences import split_sentences


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence of a retrieved passage that answers the question, and how well."""

    text: str
    hit: PassageHit
    score: float


# Words that narrow what is asked to one of its kinds: the sentence must say them itself.
_QUALIFIERS = frozenset(stem(w) for w in ("permanent", "permanently"))
_YEAR = re.compile(r"(?:19|20)\d\d")
# A sentence answers when it has the kind of thing asked for and covers enough of the
# question: most of its words, or some of them and most of its meaning.
COVERED = 0.6
_DIGIT = re.compile(r"\d")
PARTLY = 0.34
MISSING_NOUNS = 1
CLOSE_IN_MEANING = 0.55
VERY_CLOSE = 0.65  # with every name and the kind asked, however few of the words
IN_SENTENCE = 0.6  # what a sentence naming every name of the question gains
SPANNED = 0.3  # what a sentence counting a span gains when "how long" is asked
CAUSED = 0.3  # what a sentence giving a reason gains when "why" is asked
ACTED = 0.5  # what a sentence saying the act asked about ("blamed") gains
NAMED_KIND = 1.0  # what a sentence naming one of the kind asked ("what bacterium?") gains
MOVED = 0.3  # what a sentence giving a share move by a figure gains when a market is asked
LEANS_ON_BEFORE = 0.3  # what a quotation whose speaker the sentence before names loses
# "“Every euro …,” he said.": a quotation whose speaker the sentence before names
_PRONOUN_SAID = re.compile(r"[”\"],?\s+(?:he|she|they) (?:said|added|says|told)\b")
# "Its chair-designate, Ruth Okonkwo-Bell, …": a sentence about what the one before names
_REFERS_BACK = re.compile(r"(?:Its|Their)\b")
# "a 48-hour strike", "six weeks": a span counted, which tells "how long" better than "until …"
_COUNTED_SPAN = re.compile(
    r"\b(?:\d[\d.,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"eighteen|twenty|thirty|forty|fifty|sixty|ninety)[\s-]+(?:(?:working|business|calendar|"
    r"straight|consecutive|more|further)\s+)?(?:minute|hour|day|week|month|year|decade)s?\b",
    re.IGNORECASE,
)
# "jumped 29%", "fell 7.5 percent", "down 12%": a move by a figure
_MOVED = re.compile(
    r"\b(?:rose|rise|rises|jumped|jumps|climbed|gained|surged|soared|fell|falls|dropped|drops|"
    r"slid|slumped|sank|tumbled|plunged|up|down|lost|added)\s+(?:by\s+|as much as\s+)?"
    r"[\d.,]+\s?(?:%|percent|per cent)",
    re.IGNORECASE,
)
_WHY = re.compile(
    r"\s*(?:(?:and|so|but),? )?(?:why\b|what(?:'s| is| was) (?:the reason|behind)\b)",
    re.IGNORECASE,
)
_BECAUSE = re.compile(
    r"\b(?:because|after|since|as a result|due to|owing to|in response to|in protest|amid|"
    r"citing|blamed|blames|reason|so that|arguing|argued|in order to|over fears?|to protest|"
    r"saying|on the grounds)\b",
    re.IGNORECASE,
)
_WHO_SAID = re.compile(
    r"\s*(?:and |so )?who\s+(?:\w+\s+)?(?:said|says|told|tells|warned|argued|claimed|called|"
    r"grumbled|complained|described|insisted|accused|admitted|promised|vowed|declared)\b",
    re.IGNORECASE,
)
_WH = re.compile(r"\s*(?:and |so )?(?:what|why|how|when|who|where|which)\b", re.IGNORECASE)
_WH_ANYWHERE = re.compile(r"\b(?:what|why|how|when|who|where|which)\b", re.IGNORECASE)
# "did not say how old they were", "declined to say what the committee would pay"
_NOT_TOLD = re.compile(
    r"\b(?:did not|didn't|does not|doesn't|would not|wouldn't|will not|could not|declined to|"
    r"refused to)\s+(?:say|comment|disclose|specify|confirm|reveal|elaborate|give details)\b|"
    r"\bgave no (?:details|figure|date|reason)\b",
    re.IGNORECASE,
)
# … unless the sentence tells something besides: "…, but the Fund values it at €700", "…,
# telling one analyst only that it was “not for sale”", "Corvex, which employs 9,200 people"
_BUT = re.compile(r"\bbut\b|;|\d|[“”\"]|\b(?:telling|saying|adding)\b", re.IGNORECASE)
_ASKS_SAYING = re.compile(
    r"\b(?:say|said|says|comment\w*|disclose\w*|confirm\w*|reveal\w*|told|tell|explain\w*)\b",
    re.IGNORECASE,
)
# "what time did it take off?", "at what time …": an hour of the day is asked for
_CLOCK_ASKED = re.compile(
    r"\b(?:what|which) time\b(?!\s*(?:frame|scale|table|line|limit|period)s?\b)", re.IGNORECASE
)
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:a\.m\.|p\.m\.|am\b|pm\b)|"
    r"\b(?:noon|midnight|midday|dawn|o['’]clock)\b",
    re.IGNORECASE,
)
_FIGURES = ("figure", "amount", "money")
_MARKET_WORDS = frozenset(stem(w) for w in "share stock take news react do".split())


def evidence(
    question: str,
    context: Sequence[str],
    hits: Sequence[PassageHit],
    vector: Any,
    *,
    recent: bool = False,
    earlier: Sequence[str] = (),
    articles: Mapping[int, str] | None = None,
) -> list[Evidence]:
    """The sentences of the passages that answer the question, best first (`context`: words of
    the exchange a follow-up is read with; `earlier`: those of its question alone; `articles`:
    the whole texts of the passages' articles, where a "who" answer's office is named)."""
    asked = read_question(question)
    context_stems = {stem(t) for t in context} - set(asked.terms)
    earlier_stems = {stem(t) for t in earlier} & context_stems
    person = person_of(question) if asked.wants == "words" else None
    speaker = speaker_words(person) if person else set()
    # asked by name ("Quintanar"): a role ("the council") speaks through whoever holds it,
    # named anywhere in the saying ("said Ilse Varga, who chairs the council")
    by_name = person is not None and all(w[:1].isupper() for w in person.split())
    # whose office a role names ("Rydo's boss": Rydo), when the question asks by role
    owners = (
        {stem(w) for w in person.split() if w[:1].isupper()}
        if person and speaker != {stem(person.split()[-1])}
        else set()
    )
    topic = said_about(question) - speaker if asked.wants == "words" else set()
    if not any(t[:1].isalpha() for t in (*asked.terms, *context_stems)):
        return []  # nothing asked but numbers or stopwords: nothing worth quoting
    # each passage's words with its headline's: read once, used by every sentence of it
    passage_stems = {h.id: stems(f"{h.title} {h.text}") for h in hits}
    covered = set().union(*passage_stems.values())
    head = which_head(question)  # "which firms …?": names answer it, not the word "firms"
    nouns = set(things_asked(question)) - {head}
    actions = set(manner_asked(question))
    # what a question of manner's act is done to ("how will the price be fixed?": the price)
    manner = set(subjects_asked(question)) if actions and not asked.wants else set()
    act = set(act_asked(question))
    why = _WHY.match(question) is not None
    defined = definition_asked(question)
    event = event_asked(question)
    done = done_asked(question)
    clock = _CLOCK_ASKED.search(question) is not None
    people_named = names_asked(question)
    # "Anyone hurt?", "Has anyone died?": a yes-or-no question of a few words, which what it
    # follows cannot answer on its own ("What triggered that?" can, and so can "Starting when?")
    terse = len(question.split()) <= 3 and not _WH_ANYWHERE.search(question)
    naming = naming_asked(question)
    part = part_asked(question)
    focus = part or counted(question) or asked.focus
    # "how did Velmar's shares do?"; "how did the shares react?" after a question on Velmar
    market = bool(asked.names or context_stems) and market_asked(question)
    subjects = set(subjects_asked(question)) - {head}
    missing = [n for n in nouns if not mentions_any({n}, covered)]
    if len(missing) > MISSING_NOUNS or set(missing) & subjects:
        return []  # it asks about something no retrieved passage mentions
    sized = size_asked(question)
    period = period_asked(question)
    revision = revision_asked(question)
    # the question's names each passage names (every one, for it to answer)
    passage_names = {hit.id: names_met(asked, f"{hit.title} {hit.text}") for hit in hits}
    all_names = {stem(n) for n in asked.names}
    rows: list[tuple[str, PassageHit]] = []
    before: dict[int, str] = {}  # row -> the sentence that names a quote's "he said"
    asks: dict[int, str] = {}  # row -> the explainer's question it answers
    refers: dict[int, str] = {}  # row -> the sentence its opening "Its …" refers back to
    # "Who is Odile Marchetti?": "…, the guild's director" says who once the guild is named
    who_is = _WHO_IS.match(question) is not None
    # "Who is Aquena's largest shareholder?" asks for whoever holds a role, which the answer
    # must name; "Who said the rule is the law?" asks for the speaker of words it paraphrases
    role_asked = asked.wants == "person" and not who_is and not _WHO_SAID.match(question)
    intro: dict[int, str] = {}  # row -> the sentence before that names its "the guild"
    holders: dict[int, str] = {}  # row -> the sentence naming who holds the office it names
    for hit in hits:
        if passage_names[hit.id] != all_names:
            continue
        if context_stems and not context_stems & passage_stems[hit.id]:
            continue  # a follow-up must stay with the people and things it follows
        sentences = [" ".join(s.text.split()) for s in split_sentences(hit.text)]
        if asked.wants in ("words", "person"):  # whose words: the speaker after a quotation
            sentences = joined_quotes(sentences)
        for i, text in enumerate(sentences):
            if text.endswith("?") and not QUOTE_MARK.search(text):
                continue  # an explainer's heading ("What caused the fires?") tells nothing
            if i and sentences[i - 1].endswith("?") and not QUOTE_MARK.search(sentences[i - 1]):
                asks[len(rows)] = sentences[i - 1]  # … but says what the answer below it is about
            if i and _PRONOUN_SAID.search(text):
                before[len(rows)] = sentences[i - 1]
            if asked.wants == "person" and not who_is:
                # "Cindral's chairman was blunter. “…,” he said.": who the chairman is
                said = f"{before.get(len(rows), '')} {text}"
                whole = (articles or {}).get(hit.article_id)
                around = _sentences_of(whole) if whole else sentences
                if named_holder := holder_sentence(around, text, said):
                    holders[len(rows)] = named_holder
            if i and _REFERS_BACK.match(text):
                refers[len(rows)] = sentences[i - 1]
            if who_is and (named_before := introduced(text, sentences[:i])):
                intro[len(rows)] = named_before
            rows.append((text, hit))
    if not rows:
        return []
    meaning = embed([text for text, _ in rows]) @ vector
    title_stems = {hit.id: stems(hit.title) for hit in hits}
    # "what net profit did Velmar report for 2025?": a year is said once, where the article
    # says what its figures are for; a sentence of its passage is of that year
    years = {t for t in asked.terms if _YEAR.fullmatch(t)}
    passage_years = {hit.id: years & passage_stems[hit.id] for hit in hits}

    held_in: dict[int, set[str]] = {}  # article -> who it gives the office asked about

    def _by_holder(spoken: AbstractSet[str], said: str, hit: PassageHit) -> bool:
        """ "Rydo's boss" asked, under a Rydo headline: the sentence gives the office ("chief
        executive Marguerite Olander said"), or names the one person the article gives it
        ("Olander said")."""
        if spoken >= speaker - owners:
            return True
        if hit.article_id not in held_in:
            whole = (articles or {}).get(hit.article_id) or hit.text
            held_in[hit.article_id] = office_holders(_sentences_of(whole), person or "")
        held = held_in[hit.article_id]
        named = {fold(w) for w in re.findall(r"[A-Z][\w'’-]+", said)}
        return len(held) == 1 and held <= named

    newest = max(hit.at for _, hit in rows)
    found: list[Evidence] = []
    # "It did not say how old they were": the coverage saying it does not know, which answers
    # only a question about what was said ("Has Cindral said what the recall costs?")
    about_saying = asked.wants == "words" or _ASKS_SAYING.search(question) is not None
    for row, ((text, hit), similarity) in enumerate(zip(rows, meaning, strict=True)):
        if not has_kind(text, asked.wants, question):
            continue
        if not about_saying and _NOT_TOLD.search(text) and not _BUT.search(text):
            continue
        told = f"{holders.get(row, '')} {before.get(row, '')} {text}"
        if asked.wants == "person" and not who_is and not _someone_else(told, asked.names):
            continue  # "Who at Forkly phoned Mayor Drummond?" is not answered by Drummond
        if people_named and not names_a_person(told):
            continue  # "the names of the men arrested": not "two men in Puerto Salinas"
        if clock and not _CLOCK.search(text):
            continue  # "what time did it take off?": an hour, not the day
        if focus and not counts(text, focus):
            continue  # a figure of something else
        if period and focus and of_another_period(text, focus, period):
            continue  # "in the third quarter": not last year's figure
        if revision and not revised(text):
            continue  # "the new opening date": not the date first planned
        if sized and any(counted_not_sized(text, n) for n in ([focus] if focus else nouns)):
            continue  # "three instalments" is no size of one
        if actions and not actions <= stems(text):
            continue  # "how will it be paid?" needs the paying, not only the sum
        # "“…,” he said." speaks as the sentence before says who he is, and of what
        said_before = before.get(row, "")
        spoken = stems(unquoted(text)) | stems(unquoted(said_before)) if speaker else set()
        if speaker and not (
            spoken >= speaker
            # "Rydo's boss": "chief executive Marguerite Olander said" under a Rydo headline
            or (
                owners
                and title_stems[hit.id] >= owners
                and _by_holder(spoken, unquoted(f"{said_before} {text}"), hit)
            )
        ):
            continue  # someone else's words, or words that only name them
        if by_name and spoken_by_another(text, speaker):
            continue  # "Ortega said she would ask Quintanar …": Ortega's words, not hers
        if (
            speaker
            and said_before
            and not stems(unquoted(text)) >= speaker
            and spoken_by_another(said_before, speaker)
        ):
            continue  # "Marrow said she had spoken to Keszler. “…,” she said.": Marrow's
        words = stems(text) | passage_names[hit.id] | stems(said_before) | stems(asks.get(row, ""))
        words |= stems(_subject(refers.get(row, ""))) | passage_years[hit.id]
        if topic and len(topic & (words | title_stems[hit.id])) / len(topic) < 0.5:
            continue  # words about something else than the question's "about …"
        # A sentence speaks of its article's subject: one word of the question the sentence
        # lacks may come from the headline ("The company blamed …" under "… to close Tarrow").
        # Only a thing, not what is done to it, and not the thing a time is asked of ("when
        # does the strike begin?" needs the strike's start, not another start).
        # (in the question's order: the same answer whatever the process's hash seed)
        headline = [
            t
            for t in things_asked(question)
            if t in nouns and t not in words and t in title_stems[hit.id]
        ]
        about = words | set(headline[:1] if asked.wants not in ("time", "deadline") else ())
        if done and not done & about:
            continue  # "Has anyone caught the virus?": the catching, not only the virus
        if event and not event & about:
            continue  # "when's the full trial?": a time said of the trial, not of the patent
        if _QUALIFIERS & set(asked.terms) - about:
            continue  # "who will replace him permanently?": not who stands in meanwhile
        if role_asked and not context_stems and not nouns <= about:
            continue  # "Who is Aquena's largest shareholder?" needs the shareholder said
        own = term_coverage(asked, about) if asked.terms else 0.0
        named = names_met(asked, f"{unquoted(said_before)} {text}")
        if owners and title_stems[hit.id] >= owners:
            named |= owners  # "Rydo's boss" speaking under a Rydo headline: Rydo's words
        in_sentence = len(named) / len(asked.names) if asked.names else 0.0
        if market and not asked.names and not (context_stems & words and _MOVED.search(text)):
            continue  # a follow-up's shares: a move of the firm it follows, by a figure
        if ((market and asked.names) or part) and in_sentence < 1.0:
            continue  # "how did Corvex's shares do?": the move must be Corvex's
        if asked.others:  # names are easy to meet: the rest of the question must be there too
            # (for a firm's shares, its name and a figure tell the move however it is worded)
            met = sum(1 for t in asked.others if t in about or (market and t in _MARKET_WORDS))
            own = min(own, met / len(asked.others))
            if market and met == len(asked.others):
                own = 1.0
            if (
                met < len(asked.others)
                and in_sentence == 1.0
                and asked.wants not in ("", "words")
                and (asked.wants != "figure" or _DIGIT.search(text) is not None)  # not "one"
                and set(asked.others) <= passage_stems[hit.id]
            ):
                # "Where did the Orsa Meridian run aground?": "The Orsa Meridian … struck the
                # Garnet Shoal" in a passage that says the grounding; the sentence names what
                # is asked about and gives the kind of answer asked
                own = max(own, PARTLY)
        extra = len(context_stems & words) / len(context_stems) if context_stems else 0.0
        if earlier_stems and not asked.terms:
            # "How long is it meant to last?": what the earlier question asked about counts
            # most; the names its answer gave only help
            extra = max(extra, len(earlier_stems & words) / len(earlier_stems))
        cover = own if asked.terms else extra
        if not asked.terms and extra and asked.wants == "duration" and _COUNTED_SPAN.search(text):
            # "How long will that take?" after the news of it: the span said on its subject
            cover = max(cover, PARTLY)
        if manner and actions <= stems(text) and manner <= stems(text):
            # "How will the price be fixed?": "Prices will be set each quarter by …" says the
            # act done to that thing, which is the manner asked for
            cover = max(cover, COVERED)
        if context_stems and asked.terms and nouns <= passage_stems[hit.id]:
            # A follow-up ("and when does it start?") says little itself: what it follows
            # counts too, when every thing it names is in the passage.
            both = set(asked.terms) | context_stems
            cover = max(cover, len(both & words) / len(both))
            if nouns and not any(t in about for t in nouns):
                continue  # "what conditions come with it?" needs the conditions said
            if terse and asked.others and not any(t in about for t in asked.others):
                continue  # "Has anyone died?" after the count in hospital needs a death said
            if nouns and nouns <= about and context_stems & words and not asked.wants:
                cover = max(cover, COVERED)  # its own thing, on the subject it follows
        # Enough: most of the question's words; or some, and most of its meaning; or some,
        # with every name it asks about and the kind of thing it wants in the same sentence.
        typed = bool(asked.wants) and (
            in_sentence == 1.0
            or (not asked.names and asked.wants in ("duration", "money", "amount"))
            # "how many staff work on it?": a figure of the very thing counted (`counts` held)
            or (not asked.names and bool(focus))
        )
        # "Why not?" after "Did the board take it?": the sentence on that subject that gives
        # a reason ("…, saying it fell well short") says what is asked
        typed = typed or (why and _BECAUSE.search(text) is not None)
        # "What exactly is this crypto bug?": "cryptosporidium, a microscopic parasite …"
        typed = typed or (defined is not None and defined.search(text) is not None)
        if in_sentence == 1.0 and typed and similarity >= VERY_CLOSE:
            # "how long has Corbel & Finch been doing Kelvane's books?": "Corbel & Finch has
            # audited Kelvane for 11 years" says it in other words: every name, the kind of
            # answer asked, and nearly all of its meaning
            cover = max(cover, PARTLY)
        if not (
            cover >= COVERED or (cover >= PARTLY and (similarity >= CLOSE_IN_MEANING or typed))
        ):
            continue
        if cover < COVERED and asked.wants in _FIGURES and subjects - about:
            continue  # "how much will businesses pay?" is not told by what households pay
        score = (
            cover
            + float(similarity)
            + IN_SENTENCE * in_sentence
            + 0.2 * extra
            + 0.1 * hit.similarity
        )
        if asked.wants == "duration" and _COUNTED_SPAN.search(text):
            score += SPANNED
        if why and _BECAUSE.search(text):
            score += CAUSED  # "why …?": the sentence that gives a reason
        if market and _MOVED.search(text):
            score += MOVED  # "how did Cindral's stock react?": "jumped 29% to T$4.04"
        if act and act <= stems(text):
            score += ACTED  # "what is Kaldor blaming?": "The company blamed …"
        if naming is not None and naming.search(text):
            score += NAMED_KIND  # "what bacterium …?": "Burkholderia cepacia, a bacterium …"
        if said_before and asked.wants != "words":
            score -= LEANS_ON_BEFORE  # a sentence that stands alone tells it better
        if recent:  # "is it still …?", "the latest": the newest telling first
            score += 0.5 * math.exp(-(newest - hit.at).total_seconds() / 86400)
        if row in intro:
            text = f"{intro[row]} {text}"
        elif said_before and asked.wants == "person":
            text = f"{said_before} {text}"  # "who said …?": the sentence that names "he"
            if row in holders and not same_sentence(holders[row], said_before):
                text = f"{holders[row]} {text}"  # … and the one that names the chairman
        elif row in holders:
            text = f"{holders[row]} {text}"
        elif row in refers:
            text = f"{refers[row]} {text}"  # "Its chair-designate": whose, said first
        found.append(Evidence(text, hit, score))
    found.sort(key=lambda e: (-round(e.score, 9), e.hit.id, e.text))
    return found


@lru_cache(maxsize=64)
def _sentences_of(text: str) -> tuple[str, ...]:
    return tuple(" ".join(s.text.split()) for s in split_sentences(text))


def _someone_else(sentence: str, names: Sequence[str]) -> bool:
    """Whether the sentence names anyone besides those the question names (its first word,
    capitalised as every sentence's is, aside): who a "who …?" question asks for."""
    asked = {n.casefold().removesuffix("'s").removesuffix("’s") for n in names}
    text = unquoted(sentence)
    for m in NAME_RUN.finditer(text):
        words = [w.casefold().removesuffix("'s").removesuffix("’s") for w in m.group().split()]
        if m.start() == len(text) - len(text.lstrip()) and len(words) == 1:
            continue  # "The", "Shares": a sentence's first word
        if not asked & set(words) and not set(words) <= CALENDAR:
            return True
    return False


def _subject(sentence: str) -> str:
    """What a sentence is about, as its opening words say it ("A new Digital Labour
    Authority, with about 120 staff …" -> "A new Digital Labour Authority"): what the next
    sentence's "Its" most often refers to."""
    head = re.split(r",|;|:|\s[-–—]\s", sentence, maxsplit=1)[0].split()
    return " ".join(head[:6])


# "Who is Odile Marchetti?" (not "Who is Aquena's largest shareholder?", a role)
_WHO_IS = re.compile(r"\s*(?i:who)(?:'s|’s| is| was)\s+[A-Z][\w-]*+(?!['’])")
_THE_ONES = re.compile(r"\b(?:the|its|their) ([a-z]{3,})['’]s\b")


def introduced(sentence: str, earlier: Sequence[str]) -> str:
    """The nearest earlier sentence that names what a sentence calls "the guild's …" ("the
    Valdoran Metalworking Guild, which represents …"); empty when none does."""
    m = _THE_ONES.search(sentence)
    if m is None:
        return ""
    name = re.compile(rf"(?:\b[A-Z][\w’'-]+ ){{1,4}}{m.group(1).capitalize()}\b")
    return next((e for e in reversed(earlier) if name.search(e)), "")


def said_about(question: str) -> set[str]:
    """What "What did X say about Y?" asks the words to be about: the stems of Y's words that
    are not names ("about Kestria cutting its car tariff": cutting, car, tariff)."""
    m = re.search(r"\babout (.+)$", question)
    if m is None:
        return set()
    if _ABOUT_SOMEONE.match(m.group(1)):
        return set()  # "about Kordell's future": about Kordell, whose name is asked for anyway
    return set(read_question(f"about {m.group(1)}").others)


# "about Kordell's future / position / role": about the person, however the words put it
_ABOUT_SOMEONE = re.compile(
    r"[A-Z][\w-]+(?: [A-Z][\w-]+)*(?:'s|’s) (?:future|fate|position|role|job|prospects|"
    r"performance|record|leadership)\W*$"
)


def mentions_any(wanted: AbstractSet[str], found: AbstractSet[str]) -> bool:
    """Whether any wanted stem is found, or begins a found word ("chip" in "chipmaking")."""
    return any(w in found or (len(w) >= 4 and any(f.startswith(w) for f in found)) for w in wanted)


def same_sentence(a: str, b: str) -> bool:
    """The same sentence told by syndicated copies (most of the words shared)."""
    x, y = stems(a), stems(b)
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= 0.8
