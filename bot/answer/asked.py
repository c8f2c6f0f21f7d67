"""What a question's parse says it asks about (pure): the things it names, the verbs it asks
about, what it counts or takes a part of, and whether a sentence gives a figure of that
thing. Reads the question through the English pipeline quote attribution uses; must not
touch the store or a model of meaning.
"""

from __future__ import annotations

import re
from functools import cache

from bot.answer.sentences import (
    FIGURE_NOUNS,
    GENERIC_FOCUS,
    KIND_WORDS,
    NAMES_OF,
    NUMBER,
    SEASONS,
    STOPWORDS,
    WORD,
    has_kind,
    parsed,
    read_question,
    stem,
    stems,
)
from bot.answer.wording import CHAT


@cache
def subjects_asked(question: str) -> tuple[str, ...]:
    """The stems of the common nouns a question's verbs are said of ("what tariff will
    aluminium pay?": aluminium): without them in the coverage it asks about something else."""
    things = set(things_asked(question))
    return tuple(
        stem(t.text)
        for t in parsed(question)
        if t.dep_ in ("nsubj", "nsubjpass")
        and stem(t.text) in things
        # not what is, nor who speaks ("the chip lobby says"): those are often reworded
        and stem(t.head.text.replace("’", "'")) not in _NOT_DOING
    )


_NOT_DOING = frozenset(
    stem(w)
    for w in "'s is are was were be been do does did say says tell claim warn argue insist add "
    "think believe expect estimate comment react respond reply".split()
)


def counted_not_sized(sentence: str, focus: str) -> bool:
    """Whether a sentence only counts the thing a size is asked of ("paid in three
    instalments" does not say how big the first one is)."""
    words = WORD.findall(sentence)
    return not has_kind(sentence, "amount") and any(
        focus in stems(w) and i and NUMBER.fullmatch(words[i - 1]) for i, w in enumerate(words)
    )


def size_asked(question: str) -> bool:
    """'How big is the first instalment?': a size, not how many there are."""
    return bool(
        re.search(r"\bhow (?:big|large) (?:is|was|will be) (?:the|a|an|its)\b", question, re.I)
    )


@cache
def things_asked(question: str) -> tuple[str, ...]:
    """The stems of the common nouns a question asks about ("aluminium", "instalment"),
    tagged by the English pipeline that quote attribution uses; generic ones left out."""

    generic = {stem(w) for w in GENERIC_FOCUS | KIND_WORDS | SEASONS} | {
        "year",
        "today",
        "yesterday",
        "week",
    }
    return tuple(
        dict.fromkeys(
            stem(t.text)
            for t in parsed(question)
            # "why can't chlorine deal with it?": an unknown word after a modal is tagged a
            # verb, but as the subject it is the thing asked about
            if (t.tag_ in ("NN", "NNS") or (t.tag_ == "VB" and t.dep_ in ("nsubj", "nsubjpass")))
            and t.text.casefold() not in STOPWORDS
            and t.text not in CHAT  # "atm" typed in lower case: "at the moment"
            and stem(t.text) not in generic
            and len(t.text) > 2
        )
    )


@cache
def manner_asked(question: str) -> tuple[str, ...]:
    """For a question of manner ("How will the aid be paid?"), the stems of the verbs it asks
    about: an answer must say that action, not only name the things around it. Empty for
    other questions ("how many", "how did X react" asks for words)."""
    wants = read_question(question).wants
    manner = re.match(
        r"\s*how (?:will|would|did|does|do|is|are|was|were|can|could|should|has|have)\b",
        question,
        re.IGNORECASE,
    )
    # "how many jobs will Corvex cut?" counts what is cut, not the jobs it has
    how_many = wants in ("figure", "amount") and re.match(
        r"\s*how (?:many|much) [\w'’-]+(?: [\w'’-]+){0,4}? (?:will|would|did|does|do|has|have|had|"
        r"could|can|is|are|was|were)\b",
        question,
        re.IGNORECASE,
    )
    if not (manner and not wants) and wants not in _WHEN_WHO and not how_many:
        return ()
    return tuple(
        dict.fromkeys(
            stem(t.text)
            for t in parsed(question)
            if t.tag_.startswith("VB")
            and t.dep_ not in ("aux", "auxpass", "amod")  # "the pledged oxides": a thing
            and (not how_many or (t.dep_ == "ROOT" and stem(t.text) not in _COUNT_VERBS))
            and t.text.casefold() not in STOPWORDS
            and t.text[:1].isalpha()  # "who's …?"
            and t.lemma_ not in ("be", "have", "do")
            and stem(t.text) not in _LIGHT_VERBS
            # "when do they want it shut?": the shutting, not a wanting
            and not (
                wants != "person"  # "who wants the quota raised?" asks who wants it
                and t.lower_ in _WANTING
                and any(c.dep_ in ("xcomp", "ccomp") for c in t.children)
            )
        )
    )


_WHEN_WHO = ("time", "deadline", "person")
_WANTING = frozenset(
    "want wants wanted intend intends intended aim aims hope hopes mean means meant need needs"
    " wish wishes try tries".split()
)


# Verbs that only say a count applies ("how many jobs could the curbs cost?").
_COUNT_VERBS = frozenset(
    stem(w)
    for w in "cost mean affect involve total reach number hit cover include concern impact".split()
)


@cache
def counted(question: str) -> str:
    """The stem of the noun "how much/many" counts ("How much Kestrian steel gets in?" ->
    steel), from the parse; empty when it counts no noun ("how much did it cost?")."""
    if not re.search(r"\bhow (?:much|many)\b", question, re.IGNORECASE):
        return ""
    doc = parsed(question)
    for t in doc:
        if t.lower_ not in ("much", "many"):
            continue
        # The noun that ends the run of adjectives and nouns right after it (the tags are
        # steadier than the attachment: "how much Norland timber" is parsed either way).
        noun = ""
        rest = doc[t.i + 1 :]
        if t.lower_ == "much" and len(rest) > 1 and rest[0].lower_ == "in":
            rest = rest[1:]  # "how much in damages is it seeking?": the damages
        for w in rest:
            if not (w.tag_.startswith(("JJ", "NN")) or w.tag_ == "HYPH"):
                break
            if w.tag_ in ("NN", "NNS") and w.lower_ not in GENERIC_FOCUS:
                noun = stem(w.text)
        return noun
    return ""


@cache
def part_asked(question: str) -> str:
    """The stem of what "how much of X" / "how many of X" takes a part of ("how much of the
    2.4 million tonne quota will go to Kaldor?" -> quota), from the parse; empty otherwise."""
    if not re.search(r"\bhow (?:much|many) of\b", question, re.IGNORECASE):
        return ""
    for t in parsed(question):
        of = t.head
        if t.dep_ == "pobj" and of.text.casefold() == "of" and of.head.lower_ in ("much", "many"):
            return stem(t.text)
    return ""


# Verbs too light to say how something is done ("how did the market take it?").
_LIGHT_VERBS = frozenset(
    stem(w)
    for w in """take do go get make have be come feel look start begin open happen expect plan
    schedule suppose due""".split()
)


def counts(sentence: str, focus: str) -> bool:
    """Whether a sentence gives a figure for the thing asked about: a number right before it
    ("2,300 jobs", "9,000 tonnes of oxides") or shortly after it ("a quota of 2.5 million")."""
    if focus == _RATE and _PERCENT.search(sentence):
        return True  # "what rate will it pay?": "will pay 10 percent"
    words = WORD.findall(sentence)
    for i, w in enumerate(words):
        if focus not in stems(w):
            continue
        # "2.4 million tonnes of Kestrian steel": before "of", the number may stand further off
        reach = 6 if "of" in (w.casefold() for w in words[max(0, i - 3) : i]) else 4
        before, after = words[max(0, i - reach) : i], words[i + 1 : i + 6]
        near = (*before, *after)
        if any(
            (NUMBER.fullmatch(x) or NUMBER.match(x))
            and not _DURATION.fullmatch(x)
            and not _YEAR.fullmatch(x)  # "its forecast for 2027" is no figure of it
            and not (n + 1 < len(near) and _MONTH.fullmatch(near[n + 1]))  # "1 January"
            for n, x in enumerate(near)
        ):
            return True
    return False


_YEAR = re.compile(r"(?:19|20)\d\d")
_RATE = stem("rate")
_PERCENT = re.compile(r"\d\s*(?:percent|per cent|%)")
_MONTH = re.compile(
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)",
    re.IGNORECASE,
)
# "a 48-hour strike": how long, not how many of the thing next to it.
_DURATION = re.compile(
    r"[\w.]+-(?:minute|hour|day|week|month|year)s?(?:-old|-long)?", re.IGNORECASE
)


@cache
def act_asked(question: str) -> tuple[str, ...]:
    """For a question that asks for a thing done or said ("What is Kaldor blaming for the
    closure?"), the stem of its main verb: the sentence that says that act tells it best."""
    if read_question(question).wants or not _WHAT.match(question):
        return ()
    doc = parsed(question)
    # "What are the rare earths used for?" parses with "are" as its root: the participle then
    be_root = any(t.dep_ == "ROOT" and t.lower_ in _BE for t in doc)
    return tuple(
        stem(t.text)
        for t in doc
        if (t.dep_ == "ROOT" or (be_root and t.tag_ == "VBN" and t.dep_ in ("acl", "ccomp")))
        and t.tag_.startswith("VB")
        and t.lower_ not in STOPWORDS
        and stem(t.text) not in _LIGHT_VERBS
        and t.lower_ not in _WANTING
        and stem(t.text) not in _GIVING
    )


_BE = frozenset("is are was were be been".split())
_WHAT = re.compile(r"\s*(?:(?:and|so|but),? )?what\b", re.IGNORECASE)
_GIVING = frozenset(stem(w) for w in "give gave given keep kept put".split())


def read_with_parse(question: str) -> None:
    """Read (and cache) what needs the English pipeline: the question's nouns, the verbs of a
    question of manner, what "how much of X" takes a part of."""
    things_asked(question)
    manner_asked(question)
    part_asked(question)


_WHAT_IS = re.compile(
    r"\s*what(?:\s+exactly)?(?:'s|’s|\s+is|\s+are)\s+(?:exactly\s+)?"
    r"(?:this|that|the|a|an|these|those)?\s*"
    r"([a-z][\w-]{3,})(?:\s+[\w-]+){0,2}\s*\??\s*$",  # "… this crypto bug?", not "… going to do?"
    re.IGNORECASE,
)


def definition_asked(question: str) -> re.Pattern[str] | None:
    """For "what is (this) X?", a pattern of a sentence that says what X is ("X, a …", "X is
    an …"; X as written or cut short, "crypto" for "cryptosporidium"); None otherwise."""
    m = _WHAT_IS.match(question)
    if m is None or m.group(1).casefold() in STOPWORDS:
        return None
    return re.compile(
        rf"\b{re.escape(m.group(1))}[\w-]*,? (?:which |that )?(?:is |are |was )?(?:a|an) [a-z]",
        re.IGNORECASE,
    )


_WHAT_KIND = re.compile(
    r"\s*(?:what|which) ([a-z]{4,}) (?:is|was|are|were|has|have|had|did|does|do|will|got|"
    r"could|would|can)\b",
    re.IGNORECASE,
)


def naming_asked(question: str) -> re.Pattern[str] | None:
    """For "what bacterium was found?", a pattern of a sentence that names one ("Burkholderia
    cepacia, a bacterium", "the bacterium Burkholderia"); None for other questions."""
    m = _WHAT_KIND.match(question)
    if m is None or m.group(1).casefold() in _NOT_KINDS:
        return None
    kind = re.escape(m.group(1))
    return re.compile(
        rf"\b[A-Z][\w-]+(?: [A-Za-z][\w-]*)?,? (?:is )?(?:a|an|the) (?:[\w-]+ ){{0,2}}{kind}|"
        rf"\bthe {kind} [A-Z]",
    )


# "what sort …?", "what rate …?": a kind of answer, not a kind of thing to name
_NOT_KINDS = STOPWORDS | KIND_WORDS | FIGURE_NOUNS | {"level", "sort", "kind"}


_WHEN_IS = re.compile(r"\s*(?:and |so )?(?:by )?when(?:'s|’s|\s+(?:is|was|are|were|will))\b", re.I)
_COPULA = frozenset("'s ’s is was are were be".split())


def event_asked(question: str) -> frozenset[str]:
    """For "when is the X?" ("When's the full trial?", "When was the vote?"), the stems of the
    X, any one of which an answer must say ("the next round of talks": the round or the
    talks): a time said of something else ("does not expire until June 2029") is no answer.
    Empty for other questions."""
    if not _WHEN_IS.match(question):
        return frozenset()
    found: set[str] = set()
    for t in parsed(question):
        if (
            t.dep_ == "nsubj"
            and t.head.dep_ == "ROOT"
            and t.head.text.casefold() in _COPULA
            and t.tag_ in ("NN", "NNS")
            and t.text.casefold() not in _NOT_EVENTS
        ):
            found.add(stem(t.text))
            found.update(
                stem(o.text)
                for p in t.children
                if p.dep_ == "prep" and p.text.casefold() == "of"
                for o in p.children
                if o.dep_ == "pobj" and o.tag_ in ("NN", "NNS")
            )
    return frozenset(found)


_NOT_EVENTS = KIND_WORDS | STOPWORDS | {"deadline", "date", "time", "cutoff", "cut-off"}


_YES_NO = re.compile(
    r"\s*(?:(?:and|so|but),? )?(?:is|are|was|were|will|would|can|could|does|do|did|has|have|"
    r"had)\b(?!\s+(?:there|it)\b)",
    re.IGNORECASE,
)


def done_asked(question: str) -> frozenset[str]:
    """For a yes-or-no question ("Has anyone caught the virus?", "Are they going to start
    vaccinating?"), the stems of the verbs it asks were done, one of which an answer must
    say: a sentence on the same people that does not say the act tells nothing of whether it
    was done. Empty for other questions, or when its verbs are light ("going ahead")."""
    if not _YES_NO.match(question) or read_question(question).wants:
        return frozenset()
    done = {
        stem(t.text)
        for t in parsed(question)
        if t.tag_.startswith("VB")
        and t.i > 0
        and t.dep_ not in ("aux", "auxpass", "amod")
        and t.text.casefold() not in STOPWORDS
        and t.text[:1].isalpha()
        and stem(t.text) not in _LIGHT_VERBS | _GIVING | _KNOWING
        and t.lower_ not in _WANTING
    }
    if done & _ANSWERED:  # "did the board cave?": whether it accepted or rejected
        done |= _ANSWERED
    return frozenset(done)


_KNOWING = frozenset(stem(w) for w in "know think hear understand".split())  # "knew": know
_ANSWERED = frozenset(stem(w) for w in "accept reject".split())


# a person's name: two capitalised words, not a place after "in", "at", "from" …
_PERSON_NAME = re.compile(
    r"(?<!\bin )(?<!\bat )(?<!\bfrom )(?<!\bto )(?<!\bnear )(?<!\bof )(?<!\bon )"
    r"(?<!\bthe )\b[A-Z][a-zà-ÿ'’-]+ (?:[A-Z]\. )?[A-Z][a-zà-ÿ'’-]+"
)


def names_asked(question: str) -> bool:
    """Whether a question asks for people by name ("what are the names of the men
    arrested?"), which a sentence naming only places and firms does not tell."""
    return NAMES_OF.search(question.casefold()) is not None


def names_a_person(sentence: str) -> bool:
    """Whether a sentence holds what reads as a person's name (two capitalised words, not a
    place after "in" or "at")."""
    return any(m.start() > 0 for m in _PERSON_NAME.finditer(sentence))
